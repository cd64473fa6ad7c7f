// `sealgate audit tls-report`: one UTC day's SMTP TLS Reports (RFC 8460) from the attempt records, as
// JSON lines (one report per recipient domain); the mail to each domain's rua is not sent yet.

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
        let records = try handle.store.records(matching: query)
        let builder = TLSReportBuilder(organisation: organisation ?? config.portal?.organisation ?? config.hostname,
                                       contact: contact ?? "mailto:postmaster@\(config.hostname)")
        let hostname = config.hostname
        // RFC 8460 §4.4: a unique report-id; the day, the domain and this gateway make one.
        var reports = builder.reports(day: start, records: records) { "\(day)T00:00:00Z_\($0)@\(hostname)" }
        if let domain {
            let wanted = domain.trimmingCharacters(in: CharacterSet(charactersIn: ".")).lowercased()
            reports = reports.filter { $0.policyDomain == wanted }
        }
        return try reports.map { String(decoding: try $0.json(), as: UTF8.self) + "\n" }.joined()
    }
}
