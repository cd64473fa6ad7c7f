// SMIMECertificateInspector: reads one X.509 certificate (PEM or DER, through swift-certificates)
// and says whether mail can be encrypted to it at a given time, and why not, in one line.

import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1
import X509

public enum SMIMECertificateInspector {
    /// Smallest RSA modulus accepted for a recipient (the same floor as DKIM's and the TLS policy's).
    public static let minimumRSABits = 2048

    /// Inspects `bytes` (one PEM `CERTIFICATE` block or DER), judging validity at `now`. Throws
    /// `RecipientKeyError.notACertificate` for anything that does not parse as a certificate; one
    /// that parses but cannot be used comes back with `unusableReason` set.
    public static func inspect(_ bytes: [UInt8], now: Date) throws -> SMIMECertificateInfo {
        let der = try derBytes(bytes)
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: der)
        } catch {
            throw RecipientKeyError.notACertificate("swift-certificates cannot parse it (\(error))")
        }
        let usage: KeyUsage?, extended: ExtendedKeyUsage?, names: SubjectAlternativeNames?
        do {
            usage = try certificate.extensions.keyUsage
            extended = try certificate.extensions.extendedKeyUsage
            names = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw RecipientKeyError.notACertificate("a malformed extension (\(error))")
        }
        var addresses: [String] = []
        for case .rfc822Name(let name) in names ?? SubjectAlternativeNames() {
            let address = name.lowercased()
            if !addresses.contains(address) { addresses.append(address) }
        }
        let key = keyDescription(certificate.publicKey)
        let usageOK = usage.map { $0.keyEncipherment || $0.keyAgreement } ?? true
        let emailOK = extended.map { $0.contains(.emailProtection) || $0.contains(.any) } ?? true
        var reason: String?
        if certificate.notValidBefore > now {
            reason = "not valid before \(KeyDates.day(certificate.notValidBefore))"
        } else if certificate.notValidAfter <= now {
            reason = "expired \(KeyDates.day(certificate.notValidAfter))"
        } else if let why = key.unusable {
            reason = why
        } else if !usageOK {
            reason = "key usage allows neither keyEncipherment nor keyAgreement"
        } else if !emailOK {
            reason = "extended key usage has neither emailProtection nor anyExtendedKeyUsage"
        } else if addresses.isEmpty {
            reason = "no email address in subjectAltName"
        }
        return SMIMECertificateInfo(
            fingerprint: SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined(),
            subject: certificate.subject.description, notBefore: certificate.notValidBefore,
            notAfter: certificate.notValidAfter, addresses: addresses, keyType: key.name,
            keyUsageAllowsEncryption: usageOK, extendedKeyUsageAllowsEmail: emailOK, unusableReason: reason, der: der)
    }

    /// The DER of a PEM `CERTIFICATE` block, or `bytes` itself when it is not PEM.
    static func derBytes(_ bytes: [UInt8]) throws -> [UInt8] {
        guard KeyFormat.isPEM(bytes) else { return bytes }
        let text = String(decoding: bytes, as: UTF8.self)
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: text)
        } catch {
            throw RecipientKeyError.notACertificate("unreadable PEM (\(error))")
        }
        guard document.discriminator == "CERTIFICATE" else {
            throw RecipientKeyError.notACertificate("a PEM \(document.discriminator) block, not a CERTIFICATE")
        }
        return document.derBytes
    }

    /// The key's type as shown ("RSA 2048", "EC P-256") and why it cannot take mail, if it cannot.
    static func keyDescription(_ key: Certificate.PublicKey) -> (name: String, unusable: String?) {
        if let rsa = _RSA.Signing.PublicKey(key) {
            let bits = rsa.keySizeInBits
            return ("RSA \(bits)", bits < minimumRSABits ? "RSA key of \(bits) bits is too short (\(minimumRSABits) or more)" : nil)
        }
        if P256.Signing.PublicKey(key) != nil { return ("EC P-256", nil) }
        if P384.Signing.PublicKey(key) != nil { return ("EC P-384", nil) }
        if P521.Signing.PublicKey(key) != nil { return ("EC P-521", nil) }
        if Curve25519.Signing.PublicKey(key) != nil { return ("Ed25519", "an Ed25519 key can sign but not receive S/MIME mail") }
        return ("unknown", "a key type S/MIME cannot encrypt to")
    }
}

enum KeyDates {
    /// A date as YYYY-MM-DD in UTC, as the reasons show it.
    static func day(_ date: Date) -> String { PGPDates.day(date) }

    /// A date as RFC 3339 in UTC ("2026-10-01T00:00:00Z"), as the index and the JSON output keep it.
    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }
}
