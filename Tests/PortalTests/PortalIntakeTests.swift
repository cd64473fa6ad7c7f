// PortalIntake: a deposit stores the copy, queues the notice (with the subject only when policy allows
// it) and the sender's copy with its revoke link, audits both, and keeps the read-receipt wish; a notice
// that cannot be queued undoes the deposit so the queue's retry starts afresh.

import Audit
import Foundation
import MailCore
import Portal
import XCTest

final class PortalIntakeTests: PortalPickupTestCase {
    var intake: PortalIntake!
    let queueID = QueueID(microseconds: 1_700_000_000_000_000, node: 1, random: 77)

    override func setUpWithError() throws {
        try super.setUpWithError()
        intake = PortalIntake(store: store, executor: InlineExecutor(), mailer: mailer, composer: composer, audit: audit,
                              pepper: pepper, settings: settings)
    }

    func envelope(sender: MailAddress?) -> Envelope {
        Envelope(queueID: queueID, sender: sender, recipients: [RecipientSpec(address: other), RecipientSpec(address: patient)],
                 size: PortalTestCase.message.count, arrival: clock.now(),
                 client: ClientInfo(address: "127.0.0.1", port: 2525, hostname: nil, helo: "ehr.clinic.example", protocolName: "ESMTPS",
                                    authenticatedUser: nil, tls: nil, listener: "submission"))
    }

    func testADepositStoresTheCopyQueuesTheNoticeAndAuditsIt() async throws {
        let receipt = try await intake.deposit(envelope: envelope(sender: clinic), recipientIndex: 1, message: PortalTestCase.message,
                                               options: PortalDepositOptions(lifetime: 14 * 86_400))
        guard case .message(let metadata)? = try fileStore.list().first else { return XCTFail("nothing stored") }
        XCTAssertEqual(metadata.recipient, patient)
        XCTAssertEqual(metadata.sender, clinic)
        XCTAssertEqual(metadata.queueID, queueID)
        XCTAssertEqual(metadata.expiresAt, clock.now().addingTimeInterval(14 * 86_400))
        XCTAssertFalse(metadata.readReceipt)

        let facts = try XCTUnwrap(composer.notices.all.first)
        XCTAssertEqual(facts.organisation, "Example Clinic")
        XCTAssertEqual(facts.recipient, patient)
        XCTAssertEqual(facts.sender, clinic)
        XCTAssertNil(facts.subject, "no subject unless policy allows it")
        XCTAssertEqual(facts.expires, metadata.expiresAt)
        XCTAssertEqual(facts.portalMessageID, metadata.id)
        XCTAssertTrue(facts.link.hasPrefix("https://portal.clinic.example/p/\(metadata.id.text)/"), facts.link)
        let notice = try XCTUnwrap(mailer.of(.notice).first)
        XCTAssertEqual(notice.recipient, patient)
        XCTAssertEqual(notice.envelopeSender, address("portal@clinic.example"))
        XCTAssertEqual(notice.regarding, queueID)
        XCTAssertEqual(notice.portalMessageID, metadata.id)
        XCTAssertEqual(mailer.mails.all.count, 1, "no sender copy unless asked")

        let record = try XCTUnwrap(audit.of(.notice).first)
        XCTAssertEqual(record.portalMessageID, metadata.id.text)
        XCTAssertEqual(record.queueID, queueID)
        XCTAssertEqual(record.recipient, patient)
        XCTAssertEqual(audit.kinds, [.notice])
        XCTAssertTrue(receipt.hasPrefix("stored on the portal as \(metadata.id); notice queued as "), receipt)

        // The link in the notice is the one the pickup accepts, and the token is nowhere else.
        let token = String(try XCTUnwrap(facts.link.split(separator: "/").last))
        for text in audit.texts + [receipt] { XCTAssertFalse(text.contains(token), text) }
        let session = await pickup.arriveByLink(id: metadata.id.text, token: token, client: Self.client)
        _ = try await pickup.requestCode(session, client: Self.client)
        await eq(try await pickup.verifyCode(session, code: try XCTUnwrap(composer.lastCode), client: Self.client), metadata.id)
    }

    func testPolicyOptionsGiveTheSubjectTheSenderCopyAndTheReceiptWish() async throws {
        let options = PortalDepositOptions(noticeSubject: true, senderCopy: true, readReceipt: true)
        _ = try await intake.deposit(envelope: envelope(sender: clinic), recipientIndex: 0, message: PortalTestCase.message,
                                     options: options)
        let facts = try XCTUnwrap(composer.notices.all.first)
        XCTAssertEqual(facts.subject, "Your results")
        XCTAssertEqual(facts.recipient, other)
        let (copyFacts, revokeURL) = try XCTUnwrap(composer.senderCopies.all.first)
        XCTAssertEqual(copyFacts.portalMessageID, facts.portalMessageID)
        XCTAssertEqual(revokeURL, pickup.senderRevokeURL(for: facts.portalMessageID))
        let copy = try XCTUnwrap(mailer.of(.senderCopy).first)
        XCTAssertEqual(copy.recipient, clinic)
        XCTAssertEqual(copy.regarding, queueID)
        XCTAssertEqual(audit.kinds, [.notice, .senderCopy])
        XCTAssertTrue(try fileStore.metadata(of: facts.portalMessageID).readReceipt)
    }

    func testNoSenderCopyForTheNullSender() async throws {
        _ = try await intake.deposit(envelope: envelope(sender: nil), recipientIndex: 1, message: PortalTestCase.message,
                                     options: PortalDepositOptions(senderCopy: true))
        XCTAssertEqual(mailer.mails.all.map(\.kind), [.notice])
        XCTAssertNil(composer.notices.all.first?.sender)
    }

    func testANoticeThatCannotBeQueuedUndoesTheDepositAndThrows() async throws {
        mailer.failing([.notice])
        do {
            _ = try await intake.deposit(envelope: envelope(sender: clinic), recipientIndex: 1, message: PortalTestCase.message,
                                         options: PortalDepositOptions())
            XCTFail("expected the notice failure")
        } catch {
            XCTAssertTrue(error is FakeMailError, "\(error)")
        }
        guard case .message(let metadata)? = try fileStore.list().first, case .gone(let gone) = metadata.state else {
            return XCTFail("the deposit must be destroyed again")
        }
        XCTAssertEqual(gone.reason, .revoked)
        XCTAssertEqual(audit.kinds, [])
    }

    func testASenderCopyThatCannotBeQueuedStillDeliversTheNotice() async throws {
        mailer.failing([.senderCopy])
        let receipt = try await intake.deposit(envelope: envelope(sender: clinic), recipientIndex: 1,
                                               message: PortalTestCase.message, options: PortalDepositOptions(senderCopy: true))
        XCTAssertFalse(receipt.contains("sender copy"))
        XCTAssertEqual(mailer.mails.all.map(\.kind), [.notice])
        XCTAssertEqual(audit.kinds, [.notice])
    }

    func testARecipientIndexOutsideTheEnvelopeIsRefused() async throws {
        do {
            _ = try await intake.deposit(envelope: envelope(sender: clinic), recipientIndex: 2, message: PortalTestCase.message,
                                         options: PortalDepositOptions())
            XCTFail("expected a refusal")
        } catch {
            guard case PortalStoreError.invalidRequest? = error as? PortalStoreError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try fileStore.list(), [])
    }
}
