// `sealgate audit`: query, message, summary and verify over the audit log. Bad filter values and
// dates the wrong way round exit 2 with one line on standard error (not ArgumentParser's 64).

import ArgumentParser
import Foundation
import Gateway

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Query and verify the audit log.",
                                                    subcommands: [AuditQueryCommand.self, AuditMessageCommand.self,
                                                                  AuditSummaryCommand.self, AuditExportCommand.self,
                                                                  Verify.self])

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
