// RecipientEncryptionService: Delivery's RecipientEncryption over MessageCrypto: the key store's
// answer for a recipient, and that recipient's S/MIME or PGP/MIME copy, signed when configured.
import Delivery
import Foundation
import Logging
import MailCore
import MessageCrypto

/// Immutable after construction; `encrypt` may run on several pool threads at once (each OpenSSL
/// and rnp call makes its own objects, and the key store locks its own cache).
public final class RecipientEncryptionService: RecipientEncryption {
    let store: RecipientKeyStore
    let signing: OrganisationSigningKeys
    /// `smime.ciphers`: by recipient domain, lower-case A-label.
    let domainCiphers: [String: SMIMECipher]
    let logger: Logger

    public init(keyStoreDirectory: String, signing: OrganisationSigningKeys, domainCiphers: [String: SMIMECipher],
                logger: Logger) {
        store = RecipientKeyStore(directory: keyStoreDirectory)
        self.signing = signing
        self.domainCiphers = domainCiphers
        self.logger = logger
    }

    /// The service the daemon runs: the key store in `keys.directory`, the signing keys of
    /// `smime.signing` and `pgp.signing` (read now, so a restart picks up new ones) and `smime.ciphers`.
    public convenience init(config: GatewayConfig, logger: Logger) throws {
        self.init(keyStoreDirectory: config.keysDirectory,
                  signing: try OrganisationSigningKeys.load(smime: config.smimeSigning, pgp: config.pgpSigning),
                  domainCiphers: config.smimeDomainCiphers, logger: logger)
    }

    public func availability(of recipient: MailAddress, method: DeliveryMethod, now: Date) -> KeyAvailability {
        KeyStoreAvailability.availability(store, address: recipient, method: method, now: now)
    }

    public func encrypt(_ message: [UInt8], for recipient: MailAddress, method: DeliveryMethod, sender: MailAddress?,
                        protection: SubjectProtection, now: Date) throws -> EncryptedCopy {
        guard let kind = KeyStoreAvailability.kind(method) else { throw RecipientEncryptionError.notAKeyMethod(method) }
        let (entry, key) = try usableKey(recipient, kind: kind, method: method, now: now)
        let keyID = KeyStoreAvailability.keyID(entry)
        let header = HeaderProtection(protectSubject: protection.protectSubject, neutralSubject: protection.outerSubject)
        let senderDomain = SenderDomain.of(message, envelopeSender: sender)
        do {
            switch kind {
            case .smime:
                let cipher = entry.cipher ?? Self.domain(of: recipient).flatMap { domainCiphers[$0] } ?? .aes256CBC
                let signer = OrganisationSigner.chosen(signing.smime, domain: senderDomain, now: now, logger: logger)
                var signedBy: String?
                let wire = try ProtectedMessage.build(original: message, protection: header) { payload in
                    let (entity, by) = OrganisationSigner.smimeSigned(payload, by: signer, logger: logger)
                    signedBy = by
                    return try SMIMEEncryptor().encrypt(entity: entity, recipientCertificatesDER: [key], cipher: cipher)
                }
                return EncryptedCopy(message: wire, keyID: keyID, cipher: cipher.rawValue, signedBy: signedBy)
            case .pgp:
                let signer = OrganisationSigner.chosen(signing.pgp, domain: senderDomain, now: now, logger: logger)
                var signedBy: String?
                let wire = try ProtectedMessage.build(original: message, protection: header) { payload in
                    let (entity, by) = try OrganisationSigner.pgpEncrypted(payload, to: key, signedBy: signer, logger: logger)
                    signedBy = by
                    return entity
                }
                return EncryptedCopy(message: wire, keyID: keyID, cipher: "aes-256", signedBy: signedBy)
            }
        } catch {
            // SMIMEError and PGPError name the operation and the library's reason, never content.
            throw RecipientEncryptionError.encryptionFailed(method: method, keyID: keyID, reason: "\(error)")
        }
    }

    /// The key `recipient` has on file for `kind` at `now` and its file's bytes (checked against
    /// its fingerprint by the store), looked up again here: one that expired or was removed since
    /// the ladder asked is not used.
    private func usableKey(_ recipient: MailAddress, kind: RecipientKeyKind, method: DeliveryMethod,
                           now: Date) throws -> (KeyEntry, [UInt8]) {
        let lookup: RecipientKeyLookup
        do { lookup = try store.usableKey(for: recipient, kind: kind, now: now) } catch {
            throw RecipientEncryptionError.keyStore(method: method, reason: "\(error)")
        }
        switch lookup {
        case let .usable(entry, bytes): return (entry, bytes)
        case let .unavailable(reason): throw RecipientEncryptionError.noUsableKey(method: method, reason: reason)
        }
    }

    static func domain(of address: MailAddress) -> String? {
        guard case .name(let domain) = address.domain else { return nil }
        return domain.ascii.lowercased()
    }
}
