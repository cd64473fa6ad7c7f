// SMIMESigningIdentity: the organisation's S/MIME signing certificate, key and chain, checked once
// (each parses, the certificate may sign mail, the key matches it and signs), then signing entities.

import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1
import X509

public struct SMIMESigningIdentity: Sendable {
    /// Which of the three inputs a refusal is about, so the caller can point at the right file.
    public enum Part: String, Sendable { case certificate, key, chain }

    /// Why the material was refused: the part and one line (no key material).
    public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        public let part: Part
        public let reason: String
        public var description: String { reason }
    }

    let certificatePEM: [UInt8]
    let keyPEM: [UInt8]
    let chainPEM: [UInt8]
    /// The certificate's subject as text ("CN=Example Org,O=Example").
    public let subject: String
    /// SHA-256 of the certificate's DER, lower-case hex.
    public let fingerprint: String
    public let notBefore: Date
    public let notAfter: Date

    /// Reads and checks the material without looking at the time (see `validityProblem(at:)`):
    /// one PEM certificate whose key usage (if present) allows digitalSignature or nonRepudiation
    /// and whose extended key usage (if present) has emailProtection; RSA keys of 2048 bits or
    /// more; every block of `chainPEM` a certificate; and a private key that signs for it (a test
    /// signature is made, so a mismatched, encrypted or unreadable key is refused here).
    public init(certificatePEM: [UInt8], keyPEM: [UInt8], chainPEM: [UInt8] = []) throws {
        let (certificate, der) = try Self.certificate(certificatePEM)
        try Self.checkUsage(certificate)
        try Self.checkChain(chainPEM)
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.chainPEM = chainPEM
        subject = certificate.subject.description
        fingerprint = SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
        do {
            _ = try sign(Array("Content-Type: text/plain\r\n\r\nsealgate signing check\r\n".utf8))
        } catch {
            throw Refusal(part: .key, reason: "\(error)")
        }
    }

    /// Why the certificate cannot sign at `now` ("expired 2026-10-01", "not valid before …"); nil when it can.
    public func validityProblem(at now: Date) -> String? {
        if notBefore > now { return "certificate not valid before \(KeyDates.day(notBefore))" }
        if notAfter <= now { return "certificate expired \(KeyDates.day(notAfter))" }
        return nil
    }

    /// `SMIMESigner.sign` with this identity: the multipart/signed entity around `entity`.
    public func sign(_ entity: [UInt8]) throws -> [UInt8] {
        try SMIMESigner().sign(entity: entity, certificatePEM: certificatePEM, keyPEM: keyPEM, chainPEM: chainPEM)
    }

    private static func certificate(_ pem: [UInt8]) throws -> (Certificate, der: [UInt8]) {
        guard KeyFormat.isPEM(pem) else {
            throw Refusal(part: .certificate, reason: "not a PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        let blocks: [PEMDocument]
        do { blocks = try PEMDocument.parseMultiple(pemString: String(decoding: pem, as: UTF8.self)) } catch {
            throw Refusal(part: .certificate, reason: "unreadable PEM (\(error))")
        }
        guard blocks.count == 1, let block = blocks.first, block.discriminator == "CERTIFICATE" else {
            throw Refusal(part: .certificate, reason: "expected exactly one PEM CERTIFICATE block (put intermediates in chain)")
        }
        do { return (try Certificate(derEncoded: block.derBytes), block.derBytes) } catch {
            throw Refusal(part: .certificate, reason: "not an X.509 certificate (\(error))")
        }
    }

    /// The usages a mail client checks on a signer's certificate (RFC 8550 §4.4.2, §4.4.4).
    private static func checkUsage(_ certificate: Certificate) throws {
        let usage: KeyUsage?, extended: ExtendedKeyUsage?
        do {
            usage = try certificate.extensions.keyUsage
            extended = try certificate.extensions.extendedKeyUsage
        } catch {
            throw Refusal(part: .certificate, reason: "a malformed extension (\(error))")
        }
        if let usage, !usage.digitalSignature, !usage.nonRepudiation {
            throw Refusal(part: .certificate, reason: "key usage allows neither digitalSignature nor nonRepudiation")
        }
        if let extended, !extended.contains(.emailProtection), !extended.contains(.any) {
            throw Refusal(part: .certificate, reason: "extended key usage has neither emailProtection nor anyExtendedKeyUsage")
        }
        if let rsa = _RSA.Signing.PublicKey(certificate.publicKey), rsa.keySizeInBits < SMIMECertificateInspector.minimumRSABits {
            throw Refusal(part: .certificate,
                          reason: "RSA key of \(rsa.keySizeInBits) bits is too short (\(SMIMECertificateInspector.minimumRSABits) or more)")
        }
    }

    private static func checkChain(_ pem: [UInt8]) throws {
        guard !pem.isEmpty else { return }
        let blocks: [PEMDocument]
        do { blocks = try PEMDocument.parseMultiple(pemString: String(decoding: pem, as: UTF8.self)) } catch {
            throw Refusal(part: .chain, reason: "unreadable PEM (\(error))")
        }
        guard !blocks.isEmpty else { throw Refusal(part: .chain, reason: "no PEM CERTIFICATE block") }
        for (index, block) in blocks.enumerated() {
            guard block.discriminator == "CERTIFICATE", (try? Certificate(derEncoded: block.derBytes)) != nil else {
                throw Refusal(part: .chain, reason: "block \(index + 1) is not an X.509 certificate")
            }
        }
    }
}
