// `sealgate audit query`: the records that match every filter given, as a table, JSON lines or
// CSV. `--unencrypted` lists every recipient that left by a hop without TLS and without S/MIME or PGP.

import ArgumentParser
import Foundation
import Gateway

struct AuditQueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Show the audit records that match every filter given.",
        discussion: "Dates are RFC 3339 (2026-11-23T10:00:00Z) or YYYY-MM-DD (UTC; --until includes that day). "
            + "Unknown filter values and --since after --until exit 2.")
    @OptionGroup var options: ConfigOption
    @Option(help: "From this time on.") var since: String?
    @Option(help: "Before this time (a date: to the end of that day).") var until: String?
    @Option(help: "Messages from this envelope sender (<> for the null sender).") var sender: String?
    @Option(help: "Records about this recipient.") var recipient: String?
    @Option(help: "Records about recipients at this domain.") var domain: String?
    @Option(name: .customLong("queue-id"), help: "One message by its queue ID.") var queueID: String?
    @Option(name: .customLong("message-id"), help: "Messages with this Message-ID header.") var messageID: String?
    @Option(help: "Deliveries by this method: tls, smime, pgp, portal or none.") var method: String?
    @Option(help: "delivered, deferred, bounced, held, quarantined or rejected.") var outcome: String?
    @Option(help: "Messages and recipients this policy rule decided.") var rule: String?
    @Option(name: .customLong("tls-below"), help: "Hops below this TLS version (1.0-1.3), plaintext included.") var tlsBelow: String?
    @Flag(help: "Deliveries that left without TLS and without S/MIME or PGP.") var unencrypted = false
    @Option(help: "Records written by this node.") var node: String?
    @Flag(help: "One JSON object per line.") var json = false
    @Flag(help: "CSV (RFC 4180) with a header line.") var csv = false

    func run() throws {
        let config = try options.load()
        let text = try auditRun { () throws -> String in
            if json && csv { throw InvalidInput("give --json or --csv, not both") }
            return try AuditFacade(config: config).query(filters, format: json ? .json : csv ? .csv : .table)
        }
        writeOut(text)
    }

    var filters: AuditFilters {
        var f = AuditFilters()
        f.since = since; f.until = until; f.sender = sender; f.recipient = recipient; f.domain = domain
        f.queueID = queueID; f.messageID = messageID; f.method = method; f.outcome = outcome; f.rule = rule
        f.tlsBelow = tlsBelow; f.unencrypted = unencrypted; f.node = node
        return f
    }
}
