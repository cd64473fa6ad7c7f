// SMIMECertificateInfo: what SMIMECertificateInspector found in one recipient certificate: its
// fingerprint, names, validity, key, usages, and why mail cannot be encrypted to it (nil: it can).

import Foundation

public struct SMIMECertificateInfo: Sendable, Equatable {
    /// SHA-256 of the DER certificate, lower-case hex (as `openssl x509 -fingerprint -sha256`, without colons).
    public let fingerprint: String
    /// The subject distinguished name as text ("CN=Bob,O=Example").
    public let subject: String
    public let notBefore: Date
    public let notAfter: Date
    /// The rfc822Name entries of subjectAltName, lower-cased, in certificate order, without duplicates.
    public let addresses: [String]
    /// "RSA 2048", "EC P-256", or the algorithm's name when it cannot encrypt ("Ed25519").
    public let keyType: String
    /// The key usage extension allows keyEncipherment or keyAgreement, or is absent (RFC 8550, 4.4.2).
    public let keyUsageAllowsEncryption: Bool
    /// The extended key usage extension lists emailProtection or anyExtendedKeyUsage, or is absent.
    public let extendedKeyUsageAllowsEmail: Bool
    /// One line on why the certificate cannot be used at `now`; nil when it can.
    public let unusableReason: String?
    /// The certificate in DER (what the store keeps and SMIMEEncryptor takes).
    public let der: [UInt8]

    public var isUsable: Bool { unusableReason == nil }

    public init(fingerprint: String, subject: String, notBefore: Date, notAfter: Date, addresses: [String],
                keyType: String, keyUsageAllowsEncryption: Bool, extendedKeyUsageAllowsEmail: Bool,
                unusableReason: String?, der: [UInt8]) {
        self.fingerprint = fingerprint
        self.subject = subject
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.addresses = addresses
        self.keyType = keyType
        self.keyUsageAllowsEncryption = keyUsageAllowsEncryption
        self.extendedKeyUsageAllowsEmail = extendedKeyUsageAllowsEmail
        self.unusableReason = unusableReason
        self.der = der
    }
}
