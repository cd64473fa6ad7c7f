// `sealgate audit tls-report`: one UTC day's SMTP TLS Reports (RFC 8460) from the attempt records, as
// JSON lines (one report per recipient domain), and --send, which has the daemon mail them to each rua.

import Audit
import Foundation
import TLSReporting

extension AuditFacade {
    /// The reports for `day` (YYYY-MM-DD, UTC), only `domain`'s when given. `organisation` defaults to
    /// the portal's (else the hostname), `contact` to mailto:postmaster@ the hostname.
    public func tlsReports(day: String, domain: String?, organisation: String?, contact: String?) throws -> String {
        guard day.count == 10 else { throw InvalidInput("bad --day \(day): use YYYY-MM-DD (a UTC day)") }
        let start = try AuditFilters.date(day, option: "--day", endOfDay: false)
        var query = AuditQuery()
        query.since = start
        query.until = start.addingTimeInterval(86_400)
        query.events = ["delivery_attempt", "delivered", "deferred", "bounced"]
        let handle = try open()
        defer { handle.close() }
        // This node's sessions: each node reports as its own sending MTA (TLSReportSender does the same).
        let records = try handle.store.records(matching: query).filter { $0.node == config.hostname }
        let builder = Self.tlsReportBuilder(config, organisation: organisation, contact: contact)
        let hostname = config.hostname
        // RFC 8460 §4.4: a unique report-id; the day, the domain and this gateway make one.
        var reports = builder.reports(day: start, records: records) { "\(day)T000000Z.\($0)@\(hostname)" }
        if let domain {
            let wanted = domain.trimmingCharacters(in: CharacterSet(charactersIn: ".")).lowercased()
            reports = reports.filter { $0.policyDomain == wanted }
        }
        return try reports.map { String(decoding: try $0.json(), as: UTF8.self) + "\n" }.joined()
    }

    /// The builder with the names given, else tls_reporting's, else portal.organisation or the hostname
    /// and mailto:postmaster@ the hostname.
    static func tlsReportBuilder(_ config: GatewayConfig, organisation: String? = nil, contact: String? = nil) -> TLSReportBuilder {
        TLSReportBuilder(organisation: organisation ?? config.tlsReporting?.organisation ?? config.portal?.organisation ?? config.hostname,
                         contact: contact ?? config.tlsReporting?.contact ?? "mailto:postmaster@\(config.hostname)")
    }

    /// `--send`: asks the running daemon to mail the day's reports now (the daemon needs tls_reporting:).
    public func sendTLSReports(day: String, actor: String) throws -> String {
        guard day.count == 10 else { throw InvalidInput("bad --day \(day): use YYYY-MM-DD (a UTC day)") }
        _ = try AuditFilters.date(day, option: "--day", endOfDay: false)
        let request = ControlRequest(command: "tls_report_send", actor: actor, argument: day)
        let response: ControlResponse
        do {
            response = try ControlClient.send(request, socketPath: config.controlSocketPath)
        } catch ControlClientError.daemonNotRunning(let path) {
            throw InvalidInput("the daemon is not running (no control socket at \(path)); --send needs it")
        }
        guard response.ok else { throw InvalidInput(response.message) }
        return response.message + "\n"
    }
}
