// `sealgate audit`: query, message, summary, export, tls-report and verify over the audit log (every node's
// chain on PostgreSQL), and init-db, which makes the PostgreSQL tables once with the owner's rights.
// Bad filter values and dates the wrong way round exit 2 with one line on standard error (not 64).

import ArgumentParser
import Foundation
import Gateway

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Query and verify the audit log.",
                                                    subcommands: [AuditQueryCommand.self, AuditMessageCommand.self,
                                                                  AuditSummaryCommand.self, AuditExportCommand.self,
                                                                  AuditTLSReportCommand.self,
                                                                  AuditHoldCommand.self, AuditPruneCommand.self,
                                                                  Verify.self, InitDB.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain over every record, or check an exported bundle (--bundle).")
        @OptionGroup var options: ConfigOption
        @Option(help: "Check this bundle from `audit export` instead of the store.") var bundle: String?
        @Option(help: "With --bundle: the public key (PEM) it must be signed with.") var key: String?

        func run() throws {
            let facade = AuditFacade(config: try options.load())
            let check = try auditRun {
                if let bundle { return try facade.verifyBundle(path: bundle, key: key) }
                if key != nil { throw InvalidInput("--key goes with --bundle") }
                return try facade.verify()
            }
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
            print(try auditRun { try audit.initDatabase(ownerURL: ownerURL, ownerPasswordFile: passwordFile, grantTo: grant) })
        }
    }
}

/// Runs an audit facade call; an `InvalidInput` (an unknown filter value, a bad date) is printed as
/// `sealgate: audit: …` and exits 2, as the audit commands document.
func auditRun<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as InvalidInput {
        printError("audit: \(error.description)")
        throw ExitCode(2)
    }
}

/// Writes `text` to standard output as it is (CSV's CRLF line ends intact).
func writeOut(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
