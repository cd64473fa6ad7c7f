// TLSReportSender: mails a day's SMTP TLS Reports (RFC 8460 §5.3) to each recipient domain's `rua`
// (the `_smtp._tls` TXT record), through the spool like DSNs; once a day after tls_reporting.send_after.

import Audit
import DNS
import Foundation
import Logging
import MailCore
import NIOPosix
import SafeIO
import TLSReporting

struct TLSReportSender: Sendable {
    let config: TLSReportingConfig
    let builder: TLSReportBuilder
    let hostname: String
    let node: UInt16
    let store: any AuditQuerying
    let resolver: any DNS.Resolver
    let sink: SpoolSink
    let pool: NIOThreadPool
    let clock: any WallClock
    let logger: Logger

    /// Builds the reports of the UTC day starting at `day` from this node's records and queues one mail
    /// per report and mailto address; answers one line per domain (queued, or why not). Domains without a
    /// record get nothing; a failed lookup or a report that cannot be queued is said, logged and not retried.
    func send(day: Date) async throws -> [String] {
        var query = AuditQuery()
        query.since = day
        query.until = day.addingTimeInterval(86_400)
        query.events = ["delivery_attempt", "delivered", "deferred", "bounced"]
        let store = self.store
        // Each node reports as the sending MTA it is: with one audit log for several nodes, summing
        // every node's records here would count each session once per node that sends.
        let hostname = self.hostname
        let records = try await pool.runIfActive { try store.records(matching: query) }.filter { $0.node == hostname }
        let dayText = Self.dayText(day)
        let reports = builder.reports(day: day, records: records) { "\(dayText)T000000Z.\($0)@\(hostname)" }
        var lines: [String] = []
        for report in reports {
            let domain = report.policyDomain
            let texts: [String]
            do {
                texts = try await resolver.txt("_smtp._tls.\(domain)").records
            } catch {
                lines.append("\(domain): no report: _smtp._tls lookup failed: \(error)")
                continue
            }
            guard let record = TLSRPTRecord.find(in: texts), !record.mailto.isEmpty else {
                lines.append("\(domain): no report: no TLSRPTv1 record with a mailto: rua")
                continue
            }
            for address in record.mailto {
                // One report that cannot be queued is said and skipped: the others still go, and none twice.
                do {
                    let queueID = QueueID.generate(node: node)
                    let message = try TLSReportMail.compose(report, from: config.from, to: address, submitter: hostname,
                                                            date: clock.now(), messageID: "\(queueID)@\(hostname)")
                    let envelope = LocalEnvelope.make(queueID: queueID, to: address, message: message, hostname: hostname,
                                                      kind: .tlsReport, now: clock.now(), sender: config.from)
                    try await sink.queueLocal(envelope: envelope, message: message)
                    lines.append("\(domain): report \(report.reportID) queued as \(queueID) to <\(address)>")
                    logger.info("\(queueID): TLS report for \(domain) (\(dayText)) queued to <\(address)>")
                } catch {
                    lines.append("\(domain): report to <\(address)> not queued: \(error)")
                    logger.error("tls-report: the report for \(domain) (\(dayText)) to <\(address)> was not queued: \(error)")
                }
            }
        }
        if reports.isEmpty { lines.append("no TLS sessions on record for \(dayText)") }
        return lines
    }

    /// Once at start and then every ten minutes: sends yesterday's reports when it is past
    /// `send_after` and the state file says that day was not sent yet.
    func run() async {
        while !Task.isCancelled {
            await sendDue()
            do { try await clock.sleep(until: clock.now().addingTimeInterval(600)) } catch { return }
        }
    }

    func sendDue() async {
        let now = clock.now()
        let today = Self.startOfDay(now)
        guard now >= today.addingTimeInterval(config.sendAfter) else { return }
        let yesterday = today.addingTimeInterval(-86_400)
        let wanted = Self.dayText(yesterday)
        let last = (try? SafeIO.read(config.statePath)).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) }?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if let last, last >= wanted { return }
        do {
            for line in try await send(day: yesterday) { logger.notice("tls-report: \(line)") }
            try await pool.runIfActive { [config] in try SafeIO.writeFile(config.statePath, Array((wanted + "\n").utf8), mode: 0o600) }
        } catch {
            logger.error("tls-report: the reports for \(wanted) were not sent: \(error); retried in ten minutes")
        }
    }

    static func startOfDay(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }

    /// The start of a YYYY-MM-DD UTC day, nil for other text.
    static func day(_ text: String) -> Date? {
        let f = dayFormatter()
        guard text.count == 10, let d = f.date(from: text), f.string(from: d) == text else { return nil }
        return d
    }

    static func dayText(_ date: Date) -> String { dayFormatter().string(from: date) }

    private static func dayFormatter() -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f
    }
}
