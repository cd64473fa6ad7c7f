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

    func run() throws {
        let config = try options.load()
        writeOut(try auditRun {
            try AuditFacade(config: config).tlsReports(day: day, domain: domain, organisation: organisation, contact: contact)
        })
    }
}
