// `sealgate dkim keygen DOMAIN SELECTOR`: makes a DKIM signing key (written 0600, never over an
// existing one) and prints the DNS TXT record to publish for it.

import ArgumentParser
import Foundation
import Gateway

extension DKIMKeyType: ExpressibleByArgument {}

struct DKIMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dkim", abstract: "Manage DKIM signing keys.",
                                                    subcommands: [Keygen.self])

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a DKIM key and print its DNS TXT record.",
            discussion: "The key goes to certs/dkim/DOMAIN.SELECTOR.key beside the config file unless --out is given. "
                + "The zone-file line is printed on standard output.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The signing domain (d=).") var domain: String
        @Argument(help: "The selector (s=), e.g. s2026.") var selector: String
        @Option(name: .long, help: "rsa (2048 bits) or ed25519.") var algorithm: DKIMKeyType = .rsa
        @Option(name: .long, help: "Write the key here instead (relative to the current directory).") var out: String?

        func run() throws {
            let config = try options.load()
            let facade = DKIMFacade(config: config, currentDirectory: FileManager.default.currentDirectoryPath)
            do {
                let result = try validated { try facade.keygen(domain: domain, selector: selector, type: algorithm, out: out) }
                FileHandle.standardError.write(Data("sealgate: wrote \(algorithm.rawValue) key \(result.keyPath) (mode 0600); publish this TXT record:\n".utf8))
                print(result.zoneLine)
            } catch let error as DKIMKeygenError {
                printError(error.description)
                throw ExitCode(1)
            }
        }
    }
}
