// AuditFacade's query, message and summary over a real SQLite store at the config's path: filter
// text checked (unknown values refused with a clear message), output forms, totals that add up.
import Audit
import Foundation
import MailCore
import XCTest
@testable import Gateway

final class AuditQueryFacadeTests: XCTestCase {
    /// Mon, 23 Nov 2026 10:00:00 UTC.
    static let t0 = Date(timeIntervalSince1970: 1_795_428_000)

    private struct Clock: WallClock {
        let time: Date
        func now() -> Date { time }
        func sleep(until deadline: Date) async throws {}
    }

    private func address(_ s: String) throws -> MailAddress { try MailAddressParser.parse(s, allowUTF8: true) }

    private func delivered(_ q: QueueID, _ rcpt: String, tls: TLSFacts?, method: String?, encryption: EncryptionFacts? = nil,
                           ip: String? = "127.0.0.9", outcome: Outcome = .delivered) throws -> AuditEvent {
        let a = AttemptEvent(queueID: q, recipient: try address(rcpt), attempt: 1, relayHost: "mx.example", relayIP: ip,
                             relayPort: 25, tls: tls, outcome: outcome,
                             method: method.map { MethodRecord(method: $0, otherwise: nil, skipped: [], encryption: encryption) })
        switch outcome {
        case .deferred: return .deferred(a)
        case .bounced: return .bounced(a)
        default: return .delivered(a)
        }
    }

    private static let verified = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", bits: 128, algorithmBits: 128,
                                           verification: .verified(trust: .pkix), peerSubject: nil, peerIssuer: nil)
    private static let unverified = TLSFacts(version: "TLSv1.2", cipher: "ECDHE-RSA-AES128-GCM-SHA256", bits: 128,
                                             algorithmBits: 128, verification: .none, peerSubject: nil, peerIssuer: nil)

    /// A config and a store with: an accepted message (Message-ID <x@y>) and six delivery records on
    /// day 1 (verified TLS, plaintext, S/MIME over plaintext, portal, deferred, bounced), one delivery on day 2.
    private func populated() throws -> (AuditFacade, QueueID) {
        let config = try FacadeFixtures.config()
        guard case .sqlite(let path) = config.auditStore else { throw XCTSkip("sqlite only") }
        let q = FacadeFixtures.queueID(1)
        let day1 = try SQLiteAuditStore(path: path, node: "gw1", clock: Clock(time: Self.t0))
        let day2 = try SQLiteAuditStore(path: path, node: "gw1", clock: Clock(time: Self.t0.addingTimeInterval(86_400)))
        _ = try day1.append(.accepted(AcceptedEvent(envelope: try FacadeFixtures.envelope(q, to: ["a@one.example"]),
                                                    messageID: "<x@y>")))
        let smime = EncryptionFacts(method: .smime, keyID: "sha256:ff", cipher: "aes-256-cbc")
        for e in [try delivered(q, "a@one.example", tls: Self.verified, method: "tls"),
                  try delivered(q, "b@two.example", tls: nil, method: "tls"),
                  try delivered(q, "c@two.example", tls: nil, method: "smime", encryption: smime),
                  try delivered(q, "d@one.example", tls: nil, method: "portal", ip: nil),
                  try delivered(q, "e@one.example", tls: nil, method: "tls", outcome: .deferred),
                  try delivered(q, "f@two.example", tls: Self.unverified, method: "tls", outcome: .bounced)] {
            _ = try day1.append(e)
        }
        _ = try day2.append(try delivered(q, "g@one.example", tls: Self.unverified, method: "tls"))
        return (AuditFacade(config: config), q)
    }

    func testUnknownFilterValuesAndReversedDatesAreRefusedClearly() throws {
        func refusal(_ configure: (inout AuditFilters) -> Void) -> String? {
            var f = AuditFilters()
            configure(&f)
            do { _ = try f.query(); return nil } catch { return (error as? InvalidInput)?.description }
        }
        XCTAssertEqual(refusal { $0.method = "fax" }, "unknown --method fax: use one of smime, pgp, tls, portal, none")
        XCTAssertEqual(refusal { $0.outcome = "maybe" },
                       "unknown --outcome maybe: use one of delivered, deferred, bounced, held, quarantined, rejected")
        XCTAssertEqual(refusal { $0.tlsBelow = "1.7" }, "unknown --tls-below 1.7: use one of 1.0, 1.1, 1.2, 1.3")
        XCTAssertEqual(refusal { $0.since = "2026-11-24"; $0.until = "2026-11-22" }, "--since 2026-11-24 is after --until 2026-11-22")
        XCTAssertEqual(refusal { $0.since = "yesterday" }, "bad --since yesterday: use RFC 3339 (2026-11-23T10:00:00Z) or YYYY-MM-DD")
        XCTAssertEqual(refusal { $0.since = "2026-02-30" }, "bad --since 2026-02-30: use RFC 3339 (2026-11-23T10:00:00Z) or YYYY-MM-DD")
        XCTAssertEqual(refusal { $0.recipient = "not an address" }, "bad --recipient not an address: not an address")
        XCTAssertEqual(refusal { $0.queueID = "nope" }, "not a queue ID: nope")
        XCTAssertEqual(refusal { $0.domain = "a@b" }, "bad --domain a@b: give a domain name such as partner.example")
        XCTAssertNil(refusal { $0.since = "2026-11-23"; $0.until = "2026-11-23" }, "one whole day")
        let (facade, _) = try populated()
        XCTAssertThrowsError(try facade.summary(since: "2026-11-23", until: nil, by: "week", json: false)) { error in
            XCTAssertEqual(error as? InvalidInput, InvalidInput("unknown --by week: use one of day, domain, method"))
        }
    }

    func testDatesAreRFC3339OrWholeUTCDays() throws {
        var f = AuditFilters()
        f.since = "2026-11-23"; f.until = "2026-11-23"
        var q = try f.query()
        XCTAssertEqual(q.since, Self.t0.addingTimeInterval(-10 * 3600))
        XCTAssertEqual(q.until, Self.t0.addingTimeInterval(14 * 3600), "--until DATE reaches the end of that day")
        f.since = "2026-11-23T12:00:00+02:00"; f.until = "2026-11-23T10:00:00.500Z"
        q = try f.query()
        XCTAssertEqual(q.since, Self.t0)
        XCTAssertEqual(q.until, Self.t0.addingTimeInterval(0.5))
        f.sender = "<>"
        XCTAssertEqual(try f.query().sender, .null)
    }

    func testQueryInEachForm() throws {
        let (facade, q) = try populated()
        var f = AuditFilters()
        f.unencrypted = true
        let table = try facade.query(f, format: .table).split(separator: "\n").map(String.init)
        XCTAssertEqual(table.count, 2, "a header and b@two.example's plaintext delivery: \(table)")
        XCTAssertTrue(table[0].hasPrefix("SEQ  TIME"), table[0])
        XCTAssertTrue(table[1].contains("b@two.example") && table[1].contains("delivered") && table[1].contains("none"), table[1])

        f = AuditFilters()
        f.domain = "two.example"
        let json = try facade.query(f, format: .json).split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(json.map { $0["recipient"] as? String }, ["b@two.example", "c@two.example", "f@two.example"])
        XCTAssertEqual(json.map { $0["queue_id"] as? String }, [q.description, q.description, q.description])

        f = AuditFilters()
        f.messageID = "x@y"
        f.outcome = "bounced"
        let csv = try facade.query(f, format: .csv)
        XCTAssertTrue(csv.hasPrefix(AuditFlatRow.columns.joined(separator: ",") + "\r\n"), csv)
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(rows.count, 2, csv)
        XCTAssertTrue(rows[1].contains(",f@two.example,bounced,tls,"), rows[1])
    }

    func testCSVQuotesPerRFC4180() {
        XCTAssertEqual(AuditOutput.csvField("plain"), "plain")
        XCTAssertEqual(AuditOutput.csvField("a,b"), "\"a,b\"")
        XCTAssertEqual(AuditOutput.csvField("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(AuditOutput.csvField("two\r\nlines"), "\"two\r\nlines\"")
    }

    func testMessageByQueueIDOrMessageID() throws {
        let (facade, q) = try populated()
        let byQueue = try facade.message(q.description, json: false)
        XCTAssertEqual(byQueue, try facade.message("<x@y>", json: false))
        XCTAssertEqual(try facade.message("x@y", json: false), byQueue)
        let lines = byQueue.split(separator: "\n")
        XCTAssertEqual(lines.count, 8)
        XCTAssertTrue(lines[0].contains("status=accepted"), String(lines[0]))
        XCTAssertTrue(lines[1].contains("(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits) verify=OK trust=pkix) for <a@one.example>"),
                      String(lines[1]))
        XCTAssertTrue(lines[2].contains("(no TLS) for <b@two.example>"), String(lines[2]))
        XCTAssertThrowsError(try facade.message("<nothing@here>", json: false)) { error in
            XCTAssertEqual(error as? InvalidInput,
                           InvalidInput("no audit records for <nothing@here> (neither a queue ID nor a Message-ID on record)"))
        }
    }

    func testSummaryTotalsAndSecureShare() throws {
        let (facade, _) = try populated()
        let text = try facade.summary(since: "2026-11-23", until: nil, by: nil, json: true)
        let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let total = try XCTUnwrap(o["total"] as? [String: Any])
        XCTAssertEqual(total["outcomes"] as? [String: Int], ["delivered": 5, "deferred": 1, "bounced": 1])
        XCTAssertEqual(total["delivered"] as? Int, 5)
        // Verified TLS, S/MIME and the portal are secure; plaintext and unverified TLS are not.
        XCTAssertEqual(total["secure"] as? Int, 3)
        XCTAssertEqual(total["secure_share"] as? Double, 0.6)
        XCTAssertEqual(total["tls_versions"] as? [String: Int], ["TLSv1.3": 1, "TLSv1.2": 1, "none": 2])
        XCTAssertEqual(total["methods"] as? [String: [String: Int]],
                       ["tls": ["delivered": 3, "deferred": 1, "bounced": 1], "smime": ["delivered": 1], "portal": ["delivered": 1]])

        let day1 = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(
            try facade.summary(since: "2026-11-23", until: "2026-11-23", by: "day", json: true).utf8)) as? [String: Any])
        XCTAssertEqual((day1["total"] as? [String: Any])?["delivered"] as? Int, 4, "day 2's delivery is outside")
        let byDomain = try facade.summary(since: "2026-11-23", until: nil, by: "domain", json: false)
        let lines = byDomain.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("DOMAIN       DELIVERED  DEFERRED  BOUNCED"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("one.example  3          1         0"), lines[1])
        XCTAssertTrue(lines[1].contains("66.7% (2/3)"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("two.example  2          0         1"), lines[2])
        XCTAssertTrue(lines[3].hasPrefix("total        5          1         1"), lines[3])
    }

    func testCLIAdminChangesAreRecordedOfflineWithoutADaemon() throws {
        let config = try FacadeFixtures.config()
        let audit = AdminAudit(config: config, actor: "alice")
        XCTAssertEqual(audit.userAdded("bob", addresses: try SenderAddresses(["bob@example.org"])), .recorded(note: nil))
        XCTAssertEqual(audit.userRemoved("bob"), .recorded(note: nil))
        let records = try AuditFacade(config: config).open().store.records(matching: AuditQuery())
        XCTAssertEqual(records.map(\.event), [
            .adminAction(AdminEvent(actor: "alice", action: .userAdd, detail: "user=bob addresses=bob@example.org")),
            .adminAction(AdminEvent(actor: "alice", action: .userRemove, detail: "user=bob")),
        ])
    }

    func testConfigFileHashesCoverTheConfigAndEveryPolicyFile() throws {
        let config = try FacadeFixtures.config()
        try FileManager.default.createDirectory(atPath: config.policiesPath, withIntermediateDirectories: true)
        try Data("abc".utf8).write(to: URL(fileURLWithPath: config.policiesPath + "/b.yaml"))
        try Data("".utf8).write(to: URL(fileURLWithPath: config.policiesPath + "/a.yml"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: config.policiesPath + "/notes.txt"))
        try Data("a".utf8).write(to: URL(fileURLWithPath: try XCTUnwrap(config.sourcePath)))
        let hashes = ConfigFileHashes.of(config)
        guard hashes.count == 3 else { return XCTFail("\(hashes)") }
        XCTAssertEqual(hashes[0].sha256, "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb")
        XCTAssertEqual(hashes.map(\.path), [try XCTUnwrap(config.sourcePath), config.policiesPath + "/a.yml", config.policiesPath + "/b.yaml"])
        XCTAssertEqual(hashes[1].sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(hashes[2].sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testTheMessageIDIsTakenFromTheHeaderOnlyWhenWellFormed() {
        XCTAssertEqual(SpoolSink.messageID(of: Array("Subject: x\r\nMessage-Id:  <a.1@b.example> \r\n\r\nMessage-ID: <body@x>\r\n".utf8)),
                       "<a.1@b.example>")
        XCTAssertNil(SpoolSink.messageID(of: Array("Subject: x\r\n\r\nMessage-ID: <body@x>\r\n".utf8)), "never from the body")
        XCTAssertNil(SpoolSink.messageID(of: Array("Message-ID: no brackets\r\n\r\n".utf8)))
    }
}
