// WebhookSignatureTests: the header against an HMAC computed from its parts and a vector from
// Python's hmac module; a tampered body, timestamp or secret fails; the backoff schedule.

import Crypto
import Foundation
import XCTest
@testable import Webhooks

final class WebhookSignatureTests: XCTestCase {
    let secret = Array("whsec_test_secret_0123456789".utf8)

    func testHeaderIsHMACOfTimestampDotBody() {
        let body = Array(#"{"id":"evt_1"}"#.utf8)
        let header = WebhookSignature.header(secret: secret, timestamp: 1_700_000_000, body: body)
        // RFC 4231-style check computed here from the parts, not from the function under test.
        let mac = HMAC<SHA256>.authenticationCode(for: Array("1700000000.".utf8) + body, using: SymmetricKey(data: secret))
        XCTAssertEqual(header, "t=1700000000,v1=" + mac.map { String(format: "%02x", $0) }.joined())
        XCTAssertTrue(WebhookSignature.verify(header: header, secret: secret, body: body))
    }

    func testKnownVector() {
        // python3 -c 'import hmac,hashlib;print(hmac.new(b"key",b"1.{}",hashlib.sha256).hexdigest())'
        XCTAssertEqual(WebhookSignature.hex(secret: Array("key".utf8), timestamp: 1, body: Array("{}".utf8)),
                       "1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224")
    }

    func testTamperingFails() {
        let body = Array("{}".utf8)
        let header = WebhookSignature.header(secret: secret, timestamp: 42, body: body)
        XCTAssertFalse(WebhookSignature.verify(header: header, secret: secret, body: Array("{ }".utf8)))
        XCTAssertFalse(WebhookSignature.verify(header: header.replacingOccurrences(of: "t=42", with: "t=43"), secret: secret, body: body))
        XCTAssertFalse(WebhookSignature.verify(header: header, secret: Array("other".utf8), body: body))
    }

    func testBackoffDoublesFrom30sTo1hAndGivesUpAfter3Days() {
        let b = WebhookBackoff()
        XCTAssertEqual((1...9).map { b.delay(afterFailures: $0) }, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600])
        let created = Date(timeIntervalSince1970: 0)
        XCTAssertFalse(b.givesUp(created: created, now: created.addingTimeInterval(3 * 86_400 - 1)))
        XCTAssertTrue(b.givesUp(created: created, now: created.addingTimeInterval(3 * 86_400)))
    }
}
