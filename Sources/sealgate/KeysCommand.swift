// `sealgate keys import|list|show|remove`: the recipient key store (S/MIME certificates and
// OpenPGP public keys) in keys.directory; refusals are one line on standard error, exit 1.

import ArgumentParser
import Foundation
import Gateway

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage recipients' certificates and OpenPGP keys.",
        subcommands: [Import.self, List.self, Show.self, Remove.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a certificate (PEM or DER) or OpenPGP public key and file it under its addresses.",
            discussion: "Refuses an expired or not yet valid key, a certificate whose key usage allows neither "
                + "keyEncipherment nor keyAgreement, one without an email address, and a PGP key without a valid encryption subkey.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The key file.") var file: String
        @Option(name: .long, help: "S/MIME content cipher for this recipient: aes-256-cbc (default) or aes-256-gcm.") var cipher: String?
        @Flag(help: "Print what was filed as JSON.") var json = false

        func run() throws {
            let config = try options.load()
            let facade = KeysFacade(config: config)
            let rows = try keysRun {
                try validated { try facade.importKey(path: file, cipher: cipher, currentDirectory: FileManager.default.currentDirectoryPath) }
            }
            if json { print(KeysFacade.json(rows)) } else {
                for line in KeysFacade.text(rows) { print("imported \(line)") }
            }
            try recordAdminChange(config) { $0.keysImported(rows) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every key on file.")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Print as JSON.") var json = false

        func run() throws {
            let facade = KeysFacade(config: try options.load())
            let rows = try keysRun { try facade.list() }
            if json { print(KeysFacade.json(rows)) } else { KeysFacade.text(rows).forEach { print($0) } }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the keys on file for one address and which is in use.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The recipient address.") var address: String
        @Flag(help: "Print as JSON.") var json = false

        func run() throws {
            let facade = KeysFacade(config: try options.load())
            let rows = try keysRun { try validated { try facade.show(address: address) } }
            if json { print(KeysFacade.json(rows, includeChosen: true)) } else { KeysFacade.text(rows).forEach { print($0) } }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove every key of an address, or one key by fingerprint.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "An address or a fingerprint.") var what: String

        func run() throws {
            let config = try options.load()
            let rows = try keysRun { try KeysFacade(config: config).remove(what) }
            for line in KeysFacade.text(rows) { print("removed \(line)") }
            try recordAdminChange(config) { $0.keysRemoved(rows) }
        }
    }
}

/// Runs a keys facade call; its one-line refusal goes to standard error with exit status 1.
func keysRun<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as KeysCommandError {
        printError(error.description)
        throw ExitCode(1)
    }
}
