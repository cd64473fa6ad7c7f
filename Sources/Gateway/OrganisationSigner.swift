// OrganisationSigner: signing an encrypted copy with the organisation's key for the sender domain.
// The signature is not the PHI floor: when it fails the copy goes encrypted and unsigned, logged.
import Foundation
import Logging
import MessageCrypto

/// A signing key that knows when it may sign and how the trace names it.
protocol OrganisationSigningKey: Sendable {
    func validityProblem(at now: Date) -> String?
    var traceID: String { get }
}

extension SMIMESigningIdentity: OrganisationSigningKey {
    var traceID: String { KeyStoreAvailability.keyID(kind: .smime, fingerprint: fingerprint) }
}

extension PGPSigningKey: OrganisationSigningKey {
    var traceID: String { KeyStoreAvailability.keyID(kind: .pgp, fingerprint: fingerprint) }
}

/// Encryption protects the content; the signature only says who sent it. So, as with DKIM (and
/// OpenDKIM's accept-on-error), a signing key that is not valid at `now` or a signature that
/// fails leaves the copy encrypted and unsigned (`signedBy` nil) with a warning, rather than
/// dropping the recipient to a weaker rung.
enum OrganisationSigner {
    /// The key for `domain`, when one is configured and valid at `now`.
    static func chosen<Key: OrganisationSigningKey>(_ keys: [String: Key], domain: String?, now: Date,
                                                    logger: Logger) -> Key? {
        guard let domain, let key = keys[domain] else { return nil }
        if let problem = key.validityProblem(at: now) {
            logger.warning("signing key \(key.traceID) for \(domain) not used: \(problem); the copy is encrypted unsigned")
            return nil
        }
        return key
    }

    /// `payload` signed (multipart/signed) with `identity` and the signer's id, or `payload` itself and nil.
    static func smimeSigned(_ payload: [UInt8], by identity: SMIMESigningIdentity?, logger: Logger) -> ([UInt8], String?) {
        guard let identity else { return (payload, nil) }
        do {
            return (try identity.sign(payload), identity.traceID)
        } catch {
            logger.warning("S/MIME signing with \(identity.traceID) failed: \(error); the copy is encrypted unsigned")
            return (payload, nil)
        }
    }

    /// The PGP/MIME entity for `payload` to `recipientKey`, signed inside with `signer` when one is
    /// given and rnp can sign with it (else unsigned), and the signer's id when it is.
    static func pgpEncrypted(_ payload: [UInt8], to recipientKey: [UInt8], signedBy signer: PGPSigningKey?,
                             logger: Logger) throws -> ([UInt8], String?) {
        if let signer {
            do {
                let signed = try PGPEncryptor.encrypt(entity: payload, recipientKeys: [recipientKey], signingKey: signer.secretKey)
                return (signed, signer.traceID)
            } catch {
                logger.warning("PGP encryption signed with \(signer.traceID) failed: \(error); trying unsigned")
            }
        }
        return (try PGPEncryptor.encrypt(entity: payload, recipientKeys: [recipientKey], signingKey: nil), nil)
    }
}
