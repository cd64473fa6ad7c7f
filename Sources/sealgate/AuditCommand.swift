// `sealgate audit query`: prints the audit records of one message, one Received-header-style
// line each, or as JSON; `sealgate audit verify` checks the whole hash chain.

import ArgumentParser
import Audit
import Foundation
import Gateway
import MailCore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Query and verify the audit log.",
                                                    subcommands: [Query.self, Verify.self])

    static func open(_ config: GatewayConfig) throws -> SQLiteAuditStore {
        switch config.auditStore {
        case .sqlite(let path): return try SQLiteAuditStore(path: path, node: config.hostname)
        }
    }

    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the audit records of a message.")
        @OptionGroup var options: ConfigOption
        @Option(name: .customLong("queue-id")) var queueID: String
        @Flag var json = false

        func run() throws {
            let config = try options.load()
            guard let id = QueueID(queueID) else { throw ValidationError("not a queue ID: \(queueID)") }
            let records = try AuditCommand.open(config).records(queueID: id)
            if json {
                print(QueueReport.json(records.map(AuditRendering.jsonObject)))
            } else {
                for r in records { print(AuditRendering.receivedStyleLine(r, localHostname: config.hostname)) }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recompute the hash chain over every record.")
        @OptionGroup var options: ConfigOption

        func run() throws {
            let result = try AuditCommand.open(try options.load()).verifyChain()
            print("\(result)")
            if case .broken = result { throw ExitCode(2) }
        }
    }
}
