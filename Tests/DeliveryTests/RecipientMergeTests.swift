// Tests for RecipientMerge: how one attempt's result changes a recipient's state: the retry time,
// the last reply, and the method ladder's line that `queue show` prints.

import Foundation
import MailCore
import Queue
import XCTest
@testable import Delivery

final class RecipientMergeTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let spec = RecipientSpec(address: Fixtures.addr("bob@partner.example"))

    func result(_ outcome: Outcome, _ status: EnhancedStatus, choice: MethodChoice?, encryption: EncryptionFacts? = nil) -> RecipientResult {
        var r = RecipientResult(index: 0, recipient: spec, outcome: outcome, reply: nil, status: status, reason: "why")
        r.choice = choice
        r.encryption = encryption
        return r
    }

    func testTheMethodLineIsKeptWithTheEncryption() {
        let choice = MethodChoice(outcome: .method(.smime), skips: [])
        let facts = EncryptionFacts(method: .smime, keyID: "sha256:00112233aabbccdd", cipher: "aes-256-gcm")
        let state = RecipientMerge.apply(result(.delivered, EnhancedStatus(2, 0, 0), choice: choice, encryption: facts),
                                         to: RecipientState(), retry: RetrySchedule(), now: now)
        XCTAssertEqual(state.status, .delivered)
        XCTAssertEqual(state.lastMethod, "method=smime; smime key sha256:00112233aabbccdd aes-256-gcm")
    }

    func testADeferralByOtherwiseKeepsItsReasonsAndARetry() {
        let choice = MethodChoice(outcome: .deferred, fallback: .portal, skips: [.noSTARTTLS(host: "mx1.partner.example"), .portalNotConfigured])
        let state = RecipientMerge.apply(result(.deferred, EnhancedStatus(4, 7, 4), choice: choice),
                                         to: RecipientState(), retry: RetrySchedule(), now: now)
        XCTAssertEqual(state.status, .deferred)
        XCTAssertNotNil(state.nextAttempt)
        XCTAssertEqual(state.lastMethod, "method=none; outcome=deferred (otherwise: portal); skipped: "
                       + "tls: mx1.partner.example offered no STARTTLS; portal: not configured")
    }

    func testMailWithoutADecisionHasNoMethodLine() {
        var old = RecipientState()
        old.lastMethod = "method=tls"
        let state = RecipientMerge.apply(result(.deferred, EnhancedStatus(4, 4, 1), choice: nil), to: old, retry: RetrySchedule(), now: now)
        XCTAssertNil(state.lastMethod)
    }

    func testOlderSpooledStatesDecodeWithoutAMethodLine() throws {
        let json = #"{"status":"deferred","attempts":2,"delayNotified":false}"#
        let state = try JSONDecoder().decode(RecipientState.self, from: Data(json.utf8))
        XCTAssertEqual(state.attempts, 2)
        XCTAssertNil(state.lastMethod)
    }
}
