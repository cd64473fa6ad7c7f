// `sealgate audit query`: prints the audit records of one message, one Received-header-style
// line each, or as JSON; `sealgate audit verify` checks the whole hash chain (every node's, on
// PostgreSQL); `sealgate audit init-db` makes the PostgreSQL tables once, with the owner's rights.

import ArgumentParser
import Foundation
import Gateway

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Query and verify the audit log.",
                                                    subcommands: [Query.self, Verify.self, InitDB.self])

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

    struct InitDB: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init-db",
            abstract: "Create the PostgreSQL audit tables (run once, as the database owner).")
        @OptionGroup var options: ConfigOption
        @Option(name: .customLong("as"), help: "A postgresql:// URL of a role with owner rights (default: audit.store).")
        var ownerURL: String?
        @Option(name: .customLong("password-file"), help: "The owner role's password file (0600).")
        var passwordFile: String?
        @Option(help: "Grant this role SELECT and INSERT on the audit table (the gateway's own role).")
        var grant: String?

        func run() throws {
            let audit = AuditFacade(config: try options.load())
            print(try validated { try audit.initDatabase(ownerURL: ownerURL, ownerPasswordFile: passwordFile, grantTo: grant) })
        }
    }
}
