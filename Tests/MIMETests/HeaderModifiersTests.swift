// Tests for the policy header modifiers (MIME.HeaderModifiers, applied at DATA): added headers go below Sealgate's own
// Received header, subject tags are stripped, and only modifiers every recipient shares apply.

import MailCore
import XCTest
@testable import MIME

final class HeaderModifiersTests: XCTestCase {
    let message = Array("Received: from a (unknown [127.0.0.1])\r\n\tby gw (Sealgate) with ESMTP id X;\r\n\tMon, 23 Nov 2026 10:00:00 +0000\r\nSubject: [secure] Results\r\nFrom: a@example.org\r\n\r\nbody [secure]\r\n".utf8)

    func decision(headers: [MailCore.HeaderField] = [], tags: [String] = [], action: DecisionAction = .deliver) -> Decision {
        Decision(action: action, addHeaders: headers, stripSubjectTags: tags,
                 trace: DecisionTrace(rule: "t", findingCounts: [:], uninspectedParts: 0, score: 0))
    }

    func testAddedHeaderGoesBelowReceived() throws {
        let out = try XCTUnwrap(HeaderModifiers.apply(decisions: [decision(headers: [MailCore.HeaderField(name: "X-Policy", value: "phi")])], to: message))
        let text = String(decoding: out, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("Received: from a"))
        XCTAssertTrue(text.contains("+0000\r\nX-Policy: phi\r\nSubject: [secure] Results\r\n"), text)
    }

    func testSubjectTagStrippedButBodyUntouched() throws {
        let out = try XCTUnwrap(HeaderModifiers.apply(decisions: [decision(tags: ["[SECURE]"])], to: message))
        let text = String(decoding: out, as: UTF8.self)
        XCTAssertTrue(text.contains("\r\nSubject: Results\r\n"), text)
        XCTAssertTrue(text.hasSuffix("body [secure]\r\n"))
    }

    func testOnlySharedModifiersApplyAndRejectedRecipientsDoNotCount() {
        let a = decision(headers: [MailCore.HeaderField(name: "X-A", value: "1")])
        let b = decision()
        XCTAssertNil(HeaderModifiers.apply(decisions: [a, b], to: message), "not every delivered recipient has X-A")
        let rejected = decision(action: .reject(SMTPReply(550, EnhancedStatus(5, 7, 1), "no")))
        XCTAssertNotNil(HeaderModifiers.apply(decisions: [a, rejected], to: message))
    }

    func testInjectedLineBreaksAreFlattened() throws {
        let out = try XCTUnwrap(HeaderModifiers.apply(decisions: [decision(headers: [MailCore.HeaderField(name: "X-A", value: "1\r\nBcc: evil@x")])], to: message))
        XCTAssertFalse(String(decoding: out, as: UTF8.self).contains("\r\nBcc: evil"))
    }
}
