// StorePortalSink: the ladder's portal rung in the daemon: each recipient's copy goes to the
// PortalIntake (store deposit, notice, sender copy) with the options its policy rule gave.

import Delivery
import MailCore
import Portal

struct StorePortalSink: PortalSink {
    let intake: PortalIntake

    func hand(envelope: Envelope, recipientIndex: Int, message: [UInt8]) async throws -> String {
        let decision = envelope.decisions.flatMap { recipientIndex < $0.count ? $0[recipientIndex] : nil }
        return try await intake.deposit(envelope: envelope, recipientIndex: recipientIndex, message: message,
                                        options: Self.depositOptions(decision?.portal))
    }

    /// Policy's `deliver.portal` as the intake takes it; absent keys keep the portal's defaults.
    static func depositOptions(_ options: PortalOptions?) -> PortalDepositOptions {
        guard let options else { return PortalDepositOptions() }
        return PortalDepositOptions(lifetime: options.expiry ?? PortalDepositOptions.defaultLifetime,
                                    noticeSubject: options.noticeSubject, senderCopy: options.senderCopy,
                                    readReceipt: options.readReceipt)
    }
}
