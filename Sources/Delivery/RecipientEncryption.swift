// RecipientEncryption: what the method ladder's key rungs (`smime`, `pgp`) need from outside
// Delivery: the key store's answer for a recipient, and the message encrypted for that recipient.

import Foundation
import MailCore

/// Header protection as policy's decision asks for it (`deliver.protect_subject`, `subject_text`).
public struct SubjectProtection: Sendable, Hashable {
    public var protectSubject: Bool
    public var outerSubject: String

    public init(protectSubject: Bool, outerSubject: String) {
        self.protectSubject = protectSubject; self.outerSubject = outerSubject
    }

    public init(_ decision: Decision?) {
        self.init(protectSubject: decision?.protectSubject ?? false,
                  outerSubject: decision?.outerSubject ?? Decision.defaultOuterSubject)
    }
}

/// One recipient's encrypted copy, ready for the wire (before DKIM signing, which comes last).
public struct EncryptedCopy: Sendable, Equatable {
    public var message: [UInt8]
    /// The key used, as the trace names it ("sha256:ab12…" for a certificate, "0x…" for a PGP key).
    public var keyID: String
    /// The content cipher ("aes-256-cbc", "aes-256-gcm", "aes-256").
    public var cipher: String
    /// Set when the copy was also signed with the organisation's key (its id or subject).
    public var signedBy: String?

    public init(message: [UInt8], keyID: String, cipher: String, signedBy: String? = nil) {
        self.message = message; self.keyID = keyID; self.cipher = cipher; self.signedBy = signedBy
    }
}

/// Implemented in Gateway over MessageCrypto (the key store, OpenSSL CMS, librnp). Both calls are
/// synchronous, blocking work (file reads, CPU): the queue manager runs them on its thread pool,
/// never on an event loop. Neither may put message content in what it throws.
public protocol RecipientEncryption: Sendable {
    /// What the key store holds for `recipient` and `method` (`.smime` or `.pgp`) at `now`.
    /// Any other method, or a store that cannot be read, answers without a usable key.
    func availability(of recipient: MailAddress, method: DeliveryMethod, now: Date) -> KeyAvailability

    /// `message` (the whole message as queued) encrypted for `recipient` by `method`, as the
    /// message that goes on the wire: routing headers outside, the content (and with
    /// `protection.protectSubject` the real headers) inside. `sender` is the envelope sender
    /// (the organisation's signing key, when configured, is chosen by its domain or the From
    /// domain). Throws when no usable key is on file any more or encryption fails; there is no
    /// path that returns the original bytes.
    func encrypt(_ message: [UInt8], for recipient: MailAddress, method: DeliveryMethod, sender: MailAddress?,
                 protection: SubjectProtection, now: Date) throws -> EncryptedCopy
}
