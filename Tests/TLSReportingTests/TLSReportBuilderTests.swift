// TLSReportBuilder over known attempt records: one report per domain, sessions counted once across a
// transaction's recipients, failures grouped by type and host, and the JSON in RFC 8460 §4.4's shape.

import Audit
import Foundation
import MailCore
import TLSReporting
import XCTest

final class TLSReportBuilderTests: XCTestCase {
    let day = Date(timeIntervalSince1970: 1_796_169_600)  // 2026-12-02T00:00:00Z
    let sts = TLSReportFacts(policyType: .sts, policyDomain: "example.com",
                             policyStrings: ["version: STSv1", "mode: enforce", "mx: *.mail.example.com", "max_age: 86400"],
                             mxHost: ["*.mail.example.com"], success: true)
    var sequence: Int64 = 0

    func record(_ facts: TLSReportFacts?, queue: QueueID, recipient: String, attempt: Int = 1, host: String = "mx1.mail.example.com",
                ip: String = "192.0.2.25", at offset: TimeInterval = 3600, event: String = "delivered") throws -> AuditRecord {
        sequence += 1
        var e = AttemptEvent(queueID: queue, recipient: try MailAddressParser.parse(recipient, allowUTF8: true), attempt: attempt,
                             relayHost: host, relayIP: ip, relayPort: 25)
        e.tlsReport = facts
        let ev: AuditEvent = event == "deferred" ? .deferred(e) : event == "attempt" ? .deliveryAttempt(e) : .delivered(e)
        return AuditRecord(sequence: sequence, time: day.addingTimeInterval(offset), node: "gw1", event: ev,
                           previousHash: String(repeating: "0", count: 64), hash: String(repeating: "1", count: 64))
    }

    func failure(_ base: TLSReportFacts, _ type: TLSReportFacts.ResultType, _ reason: String? = nil) -> TLSReportFacts {
        var f = base
        f.success = false; f.resultType = type; f.failureReason = reason
        return f
    }

    func testSessionsAreCountedOncePerTransactionAndFailuresGrouped() throws {
        let q1 = QueueID.generate(node: 1), q2 = QueueID.generate(node: 1), q3 = QueueID.generate(node: 1)
        let dane = TLSReportFacts(policyType: .tlsa, policyDomain: "dane.example", policyStrings: ["3 1 1 ABCD"], success: true)
        let records = [
            // One transaction to two recipients: one session.
            try record(sts, queue: q1, recipient: "a@example.com"),
            try record(sts, queue: q1, recipient: "b@example.com"),
            // Two failed sessions of one kind at one host, one at another.
            try record(failure(sts, .certificateExpired, "certificate has expired"), queue: q2, recipient: "a@example.com",
                       event: "deferred"),
            try record(failure(sts, .certificateExpired, "certificate has expired"), queue: q2, recipient: "a@example.com",
                       attempt: 2, event: "deferred"),
            try record(failure(sts, .starttlsNotSupported), queue: q2, recipient: "a@example.com", attempt: 3,
                       host: "mx2.mail.example.com", ip: "192.0.2.26", event: "attempt"),
            // A handshake failure and its plaintext retry in one attempt: one failed session.
            try record(failure(sts, .validationFailure, "handshake"), queue: q3, recipient: "c@example.com", event: "attempt"),
            try record(failure(sts, .validationFailure, "handshake"), queue: q3, recipient: "c@example.com"),
            try record(dane, queue: q3, recipient: "d@dane.example", host: "mx.dane.example", ip: "198.51.100.7"),
            // Outside the day, and a record without facts (smarthost, local mail): not counted.
            try record(sts, queue: q1, recipient: "z@example.com", at: 86_400 + 10),
            try record(nil, queue: q1, recipient: "y@example.com"),
        ]
        let reports = TLSReportBuilder(organisation: "Riverside Clinic", contact: "mailto:tlsrpt@clinic.example")
            .reports(day: day, records: records) { "2026-12-02T00:00:00Z_\($0)" }
        XCTAssertEqual(reports.map(\.policyDomain), ["dane.example", "example.com"])
        let example = try XCTUnwrap(reports.last?.policies.first)
        XCTAssertEqual(reports.last?.policies.count, 1)
        XCTAssertEqual(example.successCount, 1)
        XCTAssertEqual(example.failureCount, 4)
        XCTAssertEqual(example.failures.map { "\($0.resultType.rawValue) \($0.receivingMXHostname) \($0.count)" },
                       ["certificate-expired mx1.mail.example.com 2", "starttls-not-supported mx2.mail.example.com 1",
                        "validation-failure mx1.mail.example.com 1"])
        XCTAssertEqual(reports.first?.policies.first?.successCount, 1)
        XCTAssertEqual(reports.first?.policies.first?.policyType, .tlsa)
    }

    func testTheJSONHasTheRFCsFieldsAndNesting() throws {
        let q = QueueID.generate(node: 1)
        let records = [try record(sts, queue: q, recipient: "a@example.com"),
                       try record(failure(sts, .certificateHostMismatch, "name mismatch"), queue: q, recipient: "a@example.com",
                                  attempt: 2, event: "deferred")]
        let report = try XCTUnwrap(TLSReportBuilder(organisation: "Riverside Clinic", contact: "mailto:tlsrpt@clinic.example")
            .reports(day: day, records: records) { "id-\($0)" }.first)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(report.json())) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["organization-name", "date-range", "contact-info", "report-id", "policies"])
        XCTAssertEqual(json["organization-name"] as? String, "Riverside Clinic")
        XCTAssertEqual(json["report-id"] as? String, "id-example.com")
        let range = try XCTUnwrap(json["date-range"] as? [String: String])
        XCTAssertEqual(range, ["start-datetime": "2026-12-02T00:00:00Z", "end-datetime": "2026-12-02T23:59:59Z"])
        let policies = try XCTUnwrap(json["policies"] as? [[String: Any]])
        XCTAssertEqual(policies.count, 1)
        let policy = try XCTUnwrap(policies[0]["policy"] as? [String: Any])
        XCTAssertEqual(policy["policy-type"] as? String, "sts")
        XCTAssertEqual(policy["policy-domain"] as? String, "example.com")
        XCTAssertEqual(policy["policy-string"] as? [String], sts.policyStrings)
        XCTAssertEqual(policy["mx-host"] as? [String], ["*.mail.example.com"])
        let summary = try XCTUnwrap(policies[0]["summary"] as? [String: Int])
        XCTAssertEqual(summary, ["total-successful-session-count": 1, "total-failure-session-count": 1])
        let details = try XCTUnwrap(policies[0]["failure-details"] as? [[String: Any]])
        XCTAssertEqual(details.first?["result-type"] as? String, "certificate-host-mismatch")
        XCTAssertEqual(details.first?["receiving-mx-hostname"] as? String, "mx1.mail.example.com")
        XCTAssertEqual(details.first?["receiving-ip"] as? String, "192.0.2.25")
        XCTAssertEqual(details.first?["failed-session-count"] as? Int, 1)
        XCTAssertEqual(details.first?["failure-reason-code"] as? String, "name mismatch")
    }

    func testTheFactsSurviveTheAuditRecordsCoding() throws {
        var e = AttemptEvent(queueID: QueueID.generate(node: 1), recipient: try MailAddressParser.parse("a@example.com", allowUTF8: true),
                             attempt: 1)
        e.tlsReport = failure(sts, .stsWebPKIInvalid, "unable to get local issuer certificate")
        let data = try JSONEncoder().encode(AuditEvent.delivered(e))
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"tls_report\""))
        XCTAssertEqual(try JSONDecoder().decode(AuditEvent.self, from: data), .delivered(e))
        var plain = e
        plain.tlsReport = nil
        XCTAssertFalse(String(decoding: try JSONEncoder().encode(AuditEvent.delivered(plain)), as: UTF8.self).contains("tls_report"),
                       "records without facts are written as before (their hashes do not change)")
    }
}
