// Pure pieces of MX delivery: the 8-bit downgrade of multiparts, MX ordering,
// recipient grouping (domain, policy floor, TLS-Required: No), and which attempt decides.

import DNS
import Foundation
import MailCore
import XCTest
@testable import Delivery

final class DeliveryUnitTests: XCTestCase {
    func testMultipartDowngradeTouchesOnly8BitParts() {
        let message = "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npre\r\n--b1\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
            + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nh\u{e9}\r\n--b1--\r\n"
        let out = String(decoding: EightBitDowngrade.convertIfNeeded(Array(message.utf8)), as: UTF8.self)
        XCTAssertTrue(out.contains("--b1\r\nContent-Type: text/plain\r\n\r\nplain\r\n--b1\r\n"), out)
        XCTAssertTrue(out.contains("Content-Transfer-Encoding: quoted-printable\r\n\r\nh=C3=A9\r\n--b1--\r\n"), out)
        XCTAssertFalse(EightBitDowngrade.has8Bit(Array(out.utf8)))
    }

    func testSevenBitMessageIsUnchanged() {
        XCTAssertEqual(EightBitDowngrade.convertIfNeeded(Fixtures.message), Fixtures.message)
    }

    func testMXOrderSortsByPreferenceAndDropsDuplicates() {
        let records = [MXRecord(preference: 20, host: "c"), MXRecord(preference: 10, host: "b"),
                       MXRecord(preference: 10, host: "a"), MXRecord(preference: 30, host: "a")]
        let ordered = MXRoute.order(records, shuffle: { $0.sorted { $0.host < $1.host } })
        XCTAssertEqual(ordered.map(\.host), ["a", "b", "c"])
    }

    func testGroupingByDomainAndPolicyFloor() {
        var env = Fixtures.envelope(sender: "alice@example.org", recipients: [
            RecipientSpec(address: Fixtures.addr("a@x.example")), RecipientSpec(address: Fixtures.addr("b@x.example")),
            RecipientSpec(address: Fixtures.addr("c@y.example")),
        ])
        let trace = DecisionTrace(rule: "test", findingCounts: [:], uninspectedParts: 0, score: 0)
        env.decisions = [Decision(trace: trace), Decision(tlsLevel: .verify, trace: trace), Decision(trace: trace)]
        let groups = RecipientGrouping.groups(envelope: env, due: [0, 1, 2], message: Fixtures.message, transport: .policy)
        XCTAssertEqual(groups.map { $0.recipients.map(\.index) }, [[0], [1], [2]])
        XCTAssertEqual(groups.map(\.floorLevel), [nil, .verify, nil])
    }

    func testTLSRequiredNoHonouredOnlyWithoutAPolicyFloor() {
        var env = Fixtures.envelope(sender: "alice@example.org", recipients: [
            RecipientSpec(address: Fixtures.addr("a@x.example")), RecipientSpec(address: Fixtures.addr("b@x.example")),
        ])
        let trace = DecisionTrace(rule: "phi", findingCounts: ["ssn": 1], uninspectedParts: 0, score: 1)
        env.decisions = [Decision(trace: trace), Decision(tlsLevel: .encrypt, trace: trace)]
        let message = Array("TLS-Required: No\r\nSubject: x\r\n\r\nbody\r\n".utf8)
        let groups = RecipientGrouping.groups(envelope: env, due: [0, 1], message: message, transport: .policy)
        XCTAssertEqual(groups.map(\.tlsPolicyWaived), [true, false])
    }

    func testBounceAtBackupMXDoesNotOverrideAnEarlierDeferral() {
        let spec = RecipientSpec(address: Fixtures.addr("a@x.example"))
        func report(_ outcome: Outcome, _ status: EnhancedStatus) -> AttemptReport {
            AttemptReport(relayHost: "h", relayIP: nil, relayPort: 25, tls: nil,
                          results: [RecipientResult(index: 0, recipient: spec, outcome: outcome, reply: nil, status: status)])
        }
        let marked = AttemptSelection.mark([report(.deferred, EnhancedStatus(4, 4, 1)), report(.bounced, EnhancedStatus(5, 7, 30))])
        XCTAssertEqual(marked.map(\.superseded), [false, true])
        let delivered = AttemptSelection.mark([report(.deferred, EnhancedStatus(4, 4, 1)), report(.delivered, EnhancedStatus(2, 0, 0))],
                                              lastReachedMail: true)
        XCTAssertEqual(delivered.map(\.superseded), [true, false])
    }
}
