// AuditQueryFixtures: a known mixed set of records (three messages over two days and two nodes,
// TLS 1.3/1.2/plaintext hops, S/MIME, portal, a DSN, an admin record) appended through a real store
// (SQLite, or PostgreSQL with a chain per node).

import Foundation
import MailCore
import XCTest
@testable import Audit

/// A clock the test sets before each append, so records get the times the filters are tested on.
final class SettableClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time: Date
    init(_ time: Date) { self.time = time }
    func set(_ t: Date) { lock.withLock { time = t } }
    func now() -> Date { lock.withLock { time } }
    func sleep(until deadline: Date) async throws {}
}

enum QuerySet {
    static let day1 = Fixture.time                       // Mon, 23 Nov 2026 10:00 UTC
    static let day2 = Fixture.time.addingTimeInterval(86_400)
    static let q1 = QueueID(microseconds: 1_795_428_000_000_000, node: 1, random: 1)
    static let q2 = QueueID(microseconds: 1_795_428_000_000_000, node: 1, random: 2)
    static let q3 = QueueID(microseconds: 1_795_428_000_000_000, node: 2, random: 3)
    static let dsn = QueueID(microseconds: 1_795_428_000_000_000, node: 1, random: 4)
    static let tls12 = TLSFacts(version: "TLSv1.2", cipher: "ECDHE-RSA-AES256-GCM-SHA384", bits: 256, algorithmBits: 256,
                                verification: .none, peerSubject: nil, peerIssuer: nil)

    static func a(_ s: String) -> MailAddress { (try? MailAddressParser.parse(s, allowUTF8: true))! }

    static func verdict(_ rule: String, methods: [DeliveryMethod] = [.tls]) -> PolicyVerdictSummary {
        PolicyVerdictSummary(Decision(tlsLevel: .verify, methods: methods,
                                      trace: DecisionTrace(rule: rule, findingCounts: ["ssn": 1], uninspectedParts: 0, score: 1)))
    }

    static func attempt(_ q: QueueID, _ rcpt: String, ip: String? = "127.0.0.7", tls: TLSFacts?, outcome: Outcome,
                        method: MethodRecord?) -> AttemptEvent {
        AttemptEvent(queueID: q, recipient: a(rcpt), attempt: 1, relayHost: ip == nil ? "portal" : "mx.example",
                     relayIP: ip, relayPort: ip == nil ? 0 : 25, tls: tls, outcome: outcome, method: method)
    }

    static func method(_ m: String, encryption: EncryptionFacts? = nil, otherwise: String? = nil) -> MethodRecord {
        MethodRecord(method: m, otherwise: otherwise, skipped: [], encryption: encryption)
    }

    /// Appends the set to one SQLite file (one chain, written as nodes gw1 and gw2); returns every
    /// record. Sequences: see the comments in `append` (the tests name the records by them).
    static func build(path: String) throws -> [AuditRecord] {
        let clock = SettableClock(day1)
        let gw1 = try SQLiteAuditStore(path: path, node: "gw1", clock: clock)
        try append(gw1: gw1, gw2: try SQLiteAuditStore(path: path, node: "gw2", clock: clock), clock: clock)
        return try gw1.records(matching: AuditQuery())
    }

    /// Appends the set through two stores that write as nodes gw1 and gw2, each record at its own
    /// time (so time order is the order below, whatever the stores' sequences).
    static func append(gw1: AuditStore, gw2: AuditStore, clock: SettableClock) throws {
        func at(_ base: Date, _ minutes: Double, _ store: AuditStore, _ e: AuditEvent) throws {
            clock.set(base.addingTimeInterval(minutes * 60)); _ = try store.append(e)
        }
        let smime = EncryptionFacts(method: .smime, keyID: "sha256:ab12", cipher: "aes-256-cbc")
        // 1-3: alice to bob (TLS 1.3, rule phi-tls) and carol (plaintext, rule default).
        try at(day1, 0, gw1, .accepted(AcceptedEvent(queueID: q1, sender: a("alice@gw.example"),
            recipients: [a("bob@partner.example"), a("carol@other.example")], size: 100, client: Fixture.client(tls: Fixture.tls13),
            policy: [verdict("phi-tls"), verdict("default")], messageID: "<m1@gw.example>")))
        try at(day1, 1, gw1, .delivered(attempt(q1, "bob@partner.example", tls: Fixture.tls13, outcome: .delivered, method: method("tls"))))
        try at(day1, 2, gw1, .delivered(attempt(q1, "carol@other.example", tls: nil, outcome: .delivered, method: method("tls"))))
        // 4-5: a null sender, plaintext inbound, to dave by S/MIME over a plaintext hop.
        try at(day2, 0, gw1, .accepted(AcceptedEvent(queueID: q2, sender: nil, recipients: [a("dave@partner.example")], size: 50,
            client: Fixture.client(), policy: [verdict("phi-smime", methods: [.smime])], messageID: "<m2@gw.example>")))
        try at(day2, 1, gw1, .delivered(attempt(q2, "dave@partner.example", tls: nil, outcome: .delivered,
                                                method: method("smime", encryption: smime))))
        // 6-9 on gw2: Bob (mixed case) to erin (TLS 1.2 unverified) and frank (deferred, then the portal).
        try at(day2, 60, gw2, .accepted(AcceptedEvent(queueID: q3, sender: a("Bob@Partner.Example"),
            recipients: [a("erin@partner.example"), a("frank@third.example")], size: 70, client: Fixture.client(tls: tls12),
            policy: [verdict("phi-tls"), verdict("phi-tls")])))
        try at(day2, 61, gw2, .delivered(attempt(q3, "erin@partner.example", tls: tls12, outcome: .delivered, method: method("tls"))))
        try at(day2, 62, gw2, .deferred(attempt(q3, "frank@third.example", tls: nil, outcome: .deferred,
                                                method: method("none", otherwise: "defer"))))
        try at(day2, 63, gw2, .delivered(attempt(q3, "frank@third.example", ip: nil, tls: nil, outcome: .delivered,
                                                 method: method("portal"))))
        // 10: an admin record; 11: the gateway's own DSN to alice over a plaintext hop (no method, no accepted record).
        try at(day2, 64, gw1, .adminAction(AdminEvent(actor: "root", action: .configLoaded,
                                                      files: [FileHash(path: "/etc/sealgate.yaml", bytes: Array("a".utf8))])))
        try at(day2, 65, gw1, .delivered(attempt(dsn, "alice@gw.example", tls: nil, outcome: .delivered, method: nil)))
    }
}
