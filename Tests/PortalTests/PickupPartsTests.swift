// The pickup's small parts on their own: codes drawn without bias and with their leading zeros, the
// original's Subject and Message-ID as the reply uses them, and no unaudited step when the audit fails.

import Foundation
import MailCore
@testable import Portal
import XCTest

final class PickupPartsTests: PortalPickupTestCase {
    /// Hands out the given 4-byte draws in order.
    final class Draws: PortalRandomness, @unchecked Sendable {
        private var draws: [[UInt8]]
        init(_ draws: [[UInt8]]) { self.draws = draws }
        func bytes(_ count: Int) -> [UInt8] { draws.removeFirst() }
    }

    func testACodeKeepsItsLeadingZerosAndDrawsAgainAboveTheLastWholeRange() {
        // 4,200,000,000 is the first draw that would bias the digits: it and 2^32 - 1 are thrown away.
        let draws = Draws([[0xFF, 0xFF, 0xFF, 0xFF], [0xFA, 0x56, 0xEA, 0x00], [0, 0, 0, 42]])
        let code = PortalOneTimeCode(randomness: draws, expires: clock.now())
        XCTAssertEqual(code.text, "00000042")
        XCTAssertEqual(PortalOneTimeCode(randomness: Draws([[0xFA, 0x56, 0xE9, 0xFF]]), expires: clock.now()).text, "99999999")
        XCTAssertEqual("\(code)", "<portal code>")
        XCTAssertTrue(code.matches("0000-0042"))
        XCTAssertFalse(code.matches("0000042"))
        XCTAssertFalse(code.matches("00000043"))
    }

    func testTheOriginalsSubjectAndMessageID() {
        let headers = PortalOriginalHeaders(message: Array(
            "Subject: =?UTF-8?Q?Lab_=0D=0ABcc:_x@evil.example?=\r\nMessage-ID:  <a.b@c.example> \r\n\r\nbody".utf8))
        XCTAssertEqual(headers.subject, "Lab   Bcc: x@evil.example", "a decoded CR LF cannot forge a header")
        XCTAssertEqual(headers.messageID, "<a.b@c.example>")
        XCTAssertEqual(headers.replySubject, "Re: Lab   Bcc: x@evil.example")
        let bad = PortalOriginalHeaders(message: Array("Subject:   \r\nMessage-ID: a.b@c.example\r\n\r\n".utf8))
        XCTAssertNil(bad.subject)
        XCTAssertNil(bad.messageID, "not an angle-bracketed id")
        XCTAssertEqual(bad.replySubject, "Re: (no subject)")
        XCTAssertEqual(PortalOriginalHeaders(message: Array("Subject: Re: hi\r\n\r\n".utf8)).replySubject, "Re: hi")
    }

    func testWhenTheAuditRefusesASignInTheSessionDoesNotRead() async throws {
        let deposit = try depositMessage()
        let (session, code) = try await codeSession(deposit)
        audit.refuse(true)
        do {
            _ = try await pickup.verifyCode(session, code: code, client: Self.client)
            XCTFail("a sign-in that cannot be audited must fail")
        } catch {
            XCTAssertTrue(error is FakeAuditError, "\(error)")
        }
        await eq(await pickup.state(of: session), .linked(deposit.metadata.id))
        await assertPickupError(.invalidLink) { try await pickup.openMessage(session, id: deposit.metadata.id.text, client: Self.client) }

        _ = try fileStore.setPassword("a long passphrase", opening: deposit.metadata.id, linkToken: deposit.linkToken)
        do {
            _ = try await pickup.login(address: "patient@example.org", password: "a long passphrase", client: Self.client)
            XCTFail("a sign-in that cannot be audited must fail")
        } catch {
            XCTAssertTrue(error is FakeAuditError, "\(error)")
        }
        XCTAssertEqual(pickup.sessionCount, 1, "no session was made for it")
    }

    func testWhenTheAuditRefusesAViewTheContentIsNotReturned() async throws {
        let deposit = try depositMessage()
        let session = try await readingSession(deposit)
        audit.refuse(true)
        do {
            _ = try await pickup.openMessage(session, id: deposit.metadata.id.text, client: Self.client)
            XCTFail("a view that cannot be audited must fail")
        } catch {
            XCTAssertTrue(error is FakeAuditError, "\(error)")
        }
    }

    func testSessionIDsCSRFTokensAndCodesComeFromTheInjectedRandomness() async throws {
        let deposit = try depositMessage()
        let recording = RecordingRandomness()
        let pickup = PortalPickup(store: store, executor: InlineExecutor(), mailer: mailer, composer: composer, audit: audit,
                                  pepper: pepper, settings: settings, clock: clock, randomness: recording)
        let session = await pickup.arriveByLink(id: deposit.metadata.id.text, token: deposit.linkToken.linkText, client: Self.client)
        XCTAssertEqual(recording.requestedCounts, [16, 32], "a 128-bit session id and a 256-bit CSRF token")
        _ = try await pickup.requestCode(session, client: Self.client)
        let draws = recording.requestedCounts.dropFirst(2)
        // Usually one 4-byte draw; another when it fell in the biased top of the range (about 2 % of the time).
        XCTAssertFalse(draws.isEmpty)
        XCTAssertTrue(draws.allSatisfy { $0 == 4 }, "\(draws)")
    }
}
