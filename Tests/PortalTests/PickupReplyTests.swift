// The secure reply goes to the original envelope sender only (whatever the message's headers say),
// threaded with "Re:" and In-Reply-To, within the size and count limits; the sender's revoke link.

import Audit
import Foundation
import MailCore
import Portal
import XCTest

final class PickupReplyTests: PortalPickupTestCase {
    static let original = Array(("From: Dr Who <doctor@clinic.example>\r\nReply-To: someone@attacker.example\r\n"
        + "To: patient@example.org\r\nSubject: =?UTF-8?Q?Your_r=C3=A9sults?=\r\nMessage-ID: <abc.123@clinic.example>\r\n"
        + "\r\nHbA1c 6.1%.\r\n").utf8)

    func testTheReplyGoesToTheOriginalSenderOnlyThreadedAndAudited() async throws {
        let deposit = try depositMessage(message: Self.original)
        let session = try await readingSession(deposit)
        let upload = PortalUpload(filename: "photo.jpg", contentType: "image/jpeg", bytes: [1, 2, 3])
        let queued = try await pickup.sendReply(session, id: deposit.metadata.id, body: "Thank you", attachments: [upload],
                                                client: Self.client)
        let facts = try XCTUnwrap(composer.replies.all.first)
        XCTAssertEqual(facts.to, clinic, "the envelope sender, not Reply-To or From")
        XCTAssertEqual(facts.from, patient)
        XCTAssertEqual(facts.envelopeSender, address("portal@clinic.example"))
        XCTAssertEqual(facts.subject, "Re: Your résults")
        XCTAssertEqual(facts.inReplyTo, "<abc.123@clinic.example>")
        XCTAssertEqual(facts.body, "Thank you")
        XCTAssertEqual(facts.attachments, [upload])
        let mail = try XCTUnwrap(mailer.of(.reply).first)
        XCTAssertEqual(mail.recipient, clinic)
        XCTAssertEqual(mail.regarding, deposit.metadata.queueID)
        XCTAssertEqual(mail.portalMessageID, deposit.metadata.id)
        let record = try XCTUnwrap(audit.of(.reply).first)
        XCTAssertEqual(record.detail, "reply queued as \(queued) attachments=1 size=12")
        XCTAssertEqual(record.recipient, patient)
        XCTAssertFalse(audit.texts.joined().contains("Thank you") || audit.texts.joined().contains("photo.jpg"))
    }

    func testReSubjectsDoNotStackAndAMissingSubjectIsSaid() async throws {
        let already = try depositMessage(message: Array("Subject: RE: results\r\n\r\nx".utf8))
        let none = try depositMessage(message: Array("From: a@b.example\r\n\r\nx".utf8))
        for deposit in [already, none] {
            let session = try await readingSession(deposit)
            _ = try await pickup.sendReply(session, id: deposit.metadata.id, body: "ok", attachments: [], client: Self.client)
        }
        XCTAssertEqual(composer.replies.all.map(\.subject), ["RE: results", "Re: (no subject)"])
        XCTAssertEqual(composer.replies.all.map(\.inReplyTo), [nil, nil])
    }

    func testOversizedOrOvercrowdedOrEmptyRepliesAreRefusedAndNothingIsSent() async throws {
        pickup = makePickup { $0.replyMaxSize = 100; $0.replyMaxAttachments = 2 }
        let deposit = try depositMessage()
        let session = try await readingSession(deposit)
        let small = PortalUpload(filename: "a.txt", contentType: "text/plain", bytes: [0x41])
        await assertPickupError(.tooLarge) {
            try await pickup.sendReply(session, id: deposit.metadata.id, body: "x", attachments: [small, small, small],
                                       client: Self.client)
        }
        await assertPickupError(.tooLarge) {
            try await pickup.sendReply(session, id: deposit.metadata.id, body: String(repeating: "x", count: 100),
                                       attachments: [small], client: Self.client)
        }
        await assertPickupError(.badForm("Please write a reply or attach a file.")) {
            try await pickup.sendReply(session, id: deposit.metadata.id, body: " \r\n ", attachments: [], client: Self.client)
        }
        _ = try await pickup.sendReply(session, id: deposit.metadata.id, body: String(repeating: "x", count: 99),
                                       attachments: [small], client: Self.client)
        XCTAssertEqual(mailer.of(.reply).count, 1)
    }

    func testAReplyNeedsTheSessionToHoldTheMessageAndASender() async throws {
        let deposit = try depositMessage()
        let theirs = try depositMessage(to: other)
        let session = try await readingSession(deposit)
        await assertPickupError(.invalidLink) {
            try await pickup.sendReply(session, id: theirs.metadata.id, body: "hi", attachments: [], client: Self.client)
        }
        let linked = await arrive(deposit)
        await assertPickupError(.invalidLink) {
            try await pickup.sendReply(linked, id: deposit.metadata.id, body: "hi", attachments: [], client: Self.client)
        }
        let bounce = try fileStore.deposit(PortalDepositRequest(queueID: deposit.metadata.queueID, sender: nil, recipient: patient,
                                                                message: PortalTestCase.message, lifetime: 3600))
        let reading = try await readingSession(bounce)
        await assertPickupError(.badForm("This message was sent from an address that takes no replies.")) {
            try await pickup.sendReply(reading, id: bounce.metadata.id, body: "hi", attachments: [], client: Self.client)
        }
        XCTAssertEqual(mailer.of(.reply).count, 0)
    }

    func testTheSendersRevokeLinkRevokesAndIsAudited() async throws {
        let deposit = try depositMessage()
        let url = pickup.senderRevokeURL(for: deposit.metadata.id)
        XCTAssertTrue(url.hasPrefix("https://portal.clinic.example/revoke/\(deposit.metadata.id.text)/"), url)
        let token = String(try XCTUnwrap(url.split(separator: "/").last))
        XCTAssertEqual(token.count, 52)
        XCTAssertEqual(pickup.pickupURL(id: deposit.metadata.id, token: deposit.linkToken),
                       "https://portal.clinic.example/p/\(deposit.metadata.id.text)/\(deposit.linkToken.linkText)")

        let stranger = try depositMessage()
        let strangerToken = String(try XCTUnwrap(pickup.senderRevokeURL(for: stranger.metadata.id).split(separator: "/").last))
        for wrongToken in [strangerToken, String(token.dropLast()) + (token.hasSuffix("a") ? "b" : "a"), ""] {
            await assertPickupError(.invalidLink) {
                try await pickup.revokeBySender(id: deposit.metadata.id.text, token: wrongToken, client: Self.client)
            }
        }
        await assertPickupError(.invalidLink) { try await pickup.revokeBySender(id: "junk", token: token, client: Self.client) }
        XCTAssertEqual(try fileStore.metadata(of: deposit.metadata.id).state, .active)

        try await pickup.revokeBySender(id: deposit.metadata.id.text, token: token.uppercased(), client: Self.client)
        guard case .gone = try fileStore.metadata(of: deposit.metadata.id).state else { return XCTFail("not revoked") }
        let revoked = try XCTUnwrap(audit.of(.revoked).first)
        XCTAssertEqual(revoked.actor, "sender")
        XCTAssertEqual(revoked.portalMessageID, deposit.metadata.id.text)
        XCTAssertEqual(revoked.queueID, deposit.metadata.queueID)
        XCTAssertEqual(revoked.client, Self.client)
        // A second click finds it gone already and says the same; the recipient's link is now gone.
        try await pickup.revokeBySender(id: deposit.metadata.id.text, token: token, client: Self.client)
        XCTAssertEqual(audit.of(.revoked).count, 1)
        let session = await arrive(deposit)
        await assertPickupError(.gone) { try await pickup.requestCode(session, client: Self.client) }
    }

    func testARevokeTokenNeedsThePepper() throws {
        let deposit = try depositMessage()
        let otherPepper = try PortalPepper.create(path: "\(root)/keys/other.pepper", randomness: randomness)
        XCTAssertNotEqual(PortalLinks(baseURL: "https://x", pepper: otherPepper).senderRevokeURL(for: deposit.metadata.id),
                          PortalLinks(baseURL: "https://x", pepper: pepper).senderRevokeURL(for: deposit.metadata.id))
        XCTAssertEqual(PortalLinks(baseURL: "https://x", pepper: pepper).senderRevokeURL(for: deposit.metadata.id),
                       PortalLinks(baseURL: "https://x///", pepper: pepper).senderRevokeURL(for: deposit.metadata.id))
    }
}
