// `sealgate audit summary`: delivery totals for a period by outcome and method, the share sent
// securely (verified TLS, S/MIME, PGP or the portal) and the TLS versions seen, optionally per group.

import ArgumentParser
import Foundation
import Gateway

struct AuditSummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary", abstract: "Count deliveries in a period: by outcome and method, the secure share, TLS versions.")
    @OptionGroup var options: ConfigOption
    @Option(help: "From this time on (RFC 3339 or YYYY-MM-DD).") var since: String
    @Option(help: "Before this time (a date: to the end of that day).") var until: String?
    @Option(help: "One row per day, domain or method.") var by: String?
    @Flag(help: "One JSON object.") var json = false

    func run() throws {
        let config = try options.load()
        writeOut(try auditRun { try AuditFacade(config: config).summary(since: since, until: until, by: by, json: json) })
    }
}
