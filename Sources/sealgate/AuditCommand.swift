// `sealgate audit query`: prints the audit records of one message, one Received-header-style
// line each, or as JSON; `sealgate audit verify` checks the whole hash chain.

import ArgumentParser
import Foundation
import Gateway

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Query and verify the audit log.",
                                                    subcommands: [Query.self, Verify.self])

    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the audit records of a message.")
        @OptionGroup var options: ConfigOption
        @Option(name: .customLong("queue-id")) var queueID: String
        @Flag var json = false

        func run() throws {
            let audit = AuditFacade(config: try options.load())
            for line in try validated({ try audit.records(queueID: queueID, json: json) }) { print(line) }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recompute the hash chain over every record.")
        @OptionGroup var options: ConfigOption

        func run() throws {
            let check = try AuditFacade(config: try options.load()).verify()
            print(check.text)
            if !check.intact { throw ExitCode(2) }
        }
    }
}
