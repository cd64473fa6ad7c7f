// Tests for LadderResults: when a recipient's hops count as "no hop met the requirement" (several
// MX hosts, some down), how its results leave their report, and RecipientGrouping's copy floor.

import Foundation
import MailCore
import XCTest
@testable import Delivery

final class LadderResultsTests: XCTestCase {
    let spec = RecipientSpec(address: Fixtures.addr("r@partner.example"))
    let other = RecipientSpec(address: Fixtures.addr("s@partner.example"))
    let requirement = TLSRequirement(encrypted: true, authenticatedBy: [.pkix])

    func report(_ host: String, ip: String?, _ outcome: Outcome, _ status: EnhancedStatus, short: TLSOutcome.Measurement? = nil,
                superseded: Bool = false, both: Bool = false) -> AttemptReport {
        var results = [RecipientResult(index: 0, recipient: spec, outcome: outcome, reply: nil, status: status)]
        if both { results.append(RecipientResult(index: 1, recipient: other, outcome: outcome, reply: nil, status: status)) }
        var r = AttemptReport(relayHost: host, relayIP: ip, relayPort: 25, tls: nil, results: results)
        r.tlsShortfall = short.map { TLSOutcome(host: host, requirement: requirement, measured: $0) }
        r.superseded = superseded
        return r
    }

    func testOneHostShortAndTheOtherDownMovesOnWithTheShortfallsStatus() throws {
        let reports = [report("mx1", ip: "127.0.0.2", .deferred, EnhancedStatus(4, 7, 4), short: .noSTARTTLS, superseded: true),
                       report("mx2", ip: nil, .deferred, EnhancedStatus(4, 4, 1))]
        let (outcome, result) = try XCTUnwrap(LadderResults.shortfall(of: 0, in: reports))
        XCTAssertEqual(outcome.host, "mx1")
        XCTAssertEqual(result.status, EnhancedStatus(4, 7, 4), "the status comes from the host that fell short, not the one that was down")
    }

    func testAHostThatMetTLSAndDeferredKeepsTheRecipientAtTLS() {
        let reports = [report("mx1", ip: "127.0.0.2", .deferred, EnhancedStatus(4, 7, 4), short: .noSTARTTLS, superseded: true),
                       report("mx2", ip: "127.0.0.3", .deferred, EnhancedStatus(4, 2, 2))]
        XCTAssertNil(LadderResults.shortfall(of: 0, in: reports))
    }

    func testHostsThatAreOnlyDownNeverMoveOn() {
        let reports = [report("mx1", ip: nil, .deferred, EnhancedStatus(4, 4, 1), superseded: true),
                       report("mx2", ip: nil, .deferred, EnhancedStatus(4, 4, 1))]
        XCTAssertNil(LadderResults.shortfall(of: 0, in: reports))
    }

    func testADeliveryAnywhereMeansNoShortfall() {
        let reports = [report("mx1", ip: "127.0.0.2", .delivered, EnhancedStatus(2, 0, 0), short: .noSTARTTLS)]
        XCTAssertNil(LadderResults.shortfall(of: 0, in: reports))
    }

    func testEveryHostShortMovesOn() {
        let reports = [report("mx1", ip: "127.0.0.2", .deferred, EnhancedStatus(4, 7, 5), short: .handshakeFailed(reason: "alert"), superseded: true),
                       report("mx2", ip: nil, .deferred, EnhancedStatus(4, 7, 5), short: .hopUnusable(reason: "MTA-STS: MX not listed"))]
        XCTAssertEqual(LadderResults.shortfall(of: 0, in: reports)?.0.host, "mx2", "the last host that fell short is named")
    }

    func testSupersedeSplitsAReportAndKeepsTheOthersResults() {
        let reports = [report("mx1", ip: "127.0.0.2", .deferred, EnhancedStatus(4, 7, 4), short: .noSTARTTLS, both: true)]
        let split = LadderResults.supersede(reports, moving: [0])
        XCTAssertEqual(split.count, 2)
        XCTAssertEqual(split.filter { !$0.superseded }.flatMap { $0.results.map(\.index) }, [1])
        XCTAssertEqual(split.filter(\.superseded).flatMap { $0.results.map(\.index) }, [0])
        XCTAssertTrue(split.filter(\.superseded).allSatisfy(\.movedOnByLadder), "logged as the next method, not the next host")
        XCTAssertEqual(LadderResults.supersede(reports, moving: []), reports)
    }

    func testTheCopyFloorDropsPolicysLevelButKeepsREQUIRETLSAndTheWaiver() {
        let trace = DecisionTrace(rule: "phi", findingCounts: [:], uninspectedParts: 0, score: 1)
        var env = Fixtures.envelope(sender: "alice@example.org", recipients: [spec])
        env.decisions = [Decision(tlsLevel: .verify, minimumTLSVersion: .tls1_2, trace: trace)]
        env.requireTLS = true
        let policy = RecipientGrouping.batches(envelope: env, due: [0], message: Fixtures.message, byDomain: true, transport: .policy)
        let copy = RecipientGrouping.batches(envelope: env, due: [0], message: Fixtures.message, byDomain: true, transport: .destinationLevel)
        XCTAssertEqual(policy.first?.floor.level, .verify)
        XCTAssertEqual(policy.first?.floor.version, .tls1_2)
        XCTAssertNil(copy.first?.floor.level)
        XCTAssertNil(copy.first?.floor.version)
        XCTAssertEqual(copy.first?.floor.requireTLS, true, "REQUIRETLS binds the copy's hop too")
        // `TLS-Required: No` is judged against the decision, not the copy's relaxed floor: not honoured.
        let waiver = Array("TLS-Required: No\r\n".utf8) + Fixtures.message
        env.requireTLS = false
        let relaxed = RecipientGrouping.batches(envelope: env, due: [0], message: waiver, byDomain: true, transport: .destinationLevel)
        XCTAssertEqual(relaxed.first?.floor.waived, false)
    }
}
