// `sealgate user add|remove|list`: manages the users allowed to AUTH and the sender addresses
// each may use. Passwords come from --password-file or standard input, never the command line.

import ArgumentParser
import Foundation
import Gateway

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage SMTP AUTH users.",
                                                    subcommands: [Add.self, Remove.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user, or replace an existing user's password and addresses.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The login name.") var name: String
        @Option(name: .customLong("address"), help: "A sender address this user may use (repeatable).") var addresses: [String] = []
        @Option(name: .long, help: "Read the password from this file (first line); default: standard input.") var passwordFile: String?

        func run() throws {
            let config = try options.load()
            guard !addresses.isEmpty else { throw ValidationError("give at least one --address the user may send as") }
            let parsed = try validated { try SenderAddresses(addresses) }
            let password = try readPassword()
            guard !password.isEmpty else { throw ValidationError("empty password") }
            try UserFacade(config: config).add(name: name, password: password, addresses: parsed)
            print("user \(name) saved with \(parsed.count) address(es)")
            try recordAdminChange(config) { $0.userAdded(name, addresses: parsed) }
        }

        private func readPassword() throws -> String {
            let text: String
            if let passwordFile {
                text = try String(contentsOfFile: passwordFile, encoding: .utf8)
            } else {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            }
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user.")
        @OptionGroup var options: ConfigOption
        @Argument var name: String

        func run() throws {
            let config = try options.load()
            guard try UserFacade(config: config).remove(name: name) else {
                printError("no user \(name)")
                throw ExitCode(1)
            }
            print("user \(name) removed")
            try recordAdminChange(config) { $0.userRemoved(name) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their sender addresses.")
        @OptionGroup var options: ConfigOption

        func run() throws {
            let config = try options.load()
            for line in try UserFacade(config: config).listLines() { print(line) }
        }
    }
}
