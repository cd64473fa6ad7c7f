// `sealgate audit tls-report --day D`: the day's SMTP TLS Reports (RFC 8460) built from the audit log,
// one JSON report per recipient domain and line, for review or for a mail to the domain's rua.

import ArgumentParser
import Foundation
import Gateway

struct AuditTLSReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls-report", abstract: "Build one UTC day's SMTP TLS Reports (RFC 8460) from the attempt records.")
    @OptionGroup var options: ConfigOption
    @Option(help: "The UTC day, YYYY-MM-DD.") var day: String
    @Option(help: "Only this recipient domain's report.") var domain: String?
    @Option(help: "organization-name (default: portal.organisation, else the hostname).") var organisation: String?
    @Option(help: "contact-info (default: mailto:postmaster@HOSTNAME).") var contact: String?
    @Flag(help: "Have the running daemon mail the day's reports to each domain's rua now (needs tls_reporting:).")
    var send = false

    func run() throws {
        let config = try options.load()
        let facade = AuditFacade(config: config)
        if send {
            guard domain == nil, organisation == nil, contact == nil else {
                throw ValidationError("--send mails every domain's report with the names in tls_reporting:")
            }
            writeOut(try auditRun { try facade.sendTLSReports(day: day, actor: QueueCommand.actor) })
            return
        }
        writeOut(try auditRun { try facade.tlsReports(day: day, domain: domain, organisation: organisation, contact: contact) })
    }
}
