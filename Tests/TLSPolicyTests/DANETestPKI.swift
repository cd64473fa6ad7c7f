// Test certificates for the DANE and PKIX name tests: a root CA, an intermediate, leaves signed
// by either, a self-signed leaf and a forged leaf, all made here with swift-certificates and P256.

import Crypto
import Foundation
import SwiftASN1
import X509

struct DANETestIssuer {
    let key: P256.Signing.PrivateKey
    let certificate: Certificate
    var der: [UInt8]
    var name: DistinguishedName { certificate.subject }
}

enum DANETestPKI {
    static let now = Date()

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    /// A CA certificate: self-signed when `issuer` is nil, else signed by it.
    /// `reusing` re-issues a CA certificate for an existing key (a renewal: same subject and key).
    static func makeCA(_ commonName: String, issuer: DANETestIssuer? = nil,
                       notValidBefore: Date = now.addingTimeInterval(-3600),
                       notValidAfter: Date = now.addingTimeInterval(86400 * 30),
                       reusing existingKey: P256.Signing.PrivateKey? = nil) throws -> DANETestIssuer {
        let key = existingKey ?? P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(commonName) }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: notValidBefore, notValidAfter: notValidAfter,
            issuer: issuer?.name ?? subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                KeyUsage(keyCertSign: true, cRLSign: true)
            },
            issuerPrivateKey: .init(issuer?.key ?? key))
        return DANETestIssuer(key: key, certificate: certificate, der: try der(certificate))
    }

    /// A server certificate with the given SAN dNSNames (none: CN only), signed by `issuer`
    /// (self-signed when nil). `signingKey` overrides the key that signs, to forge a chain.
    static func makeLeaf(commonName: String, dnsNames: [String], issuer: DANETestIssuer?,
                         signingKey: P256.Signing.PrivateKey? = nil,
                         notValidAfter: Date = now.addingTimeInterval(86400 * 10)) throws -> [UInt8] {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(commonName) }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            if !dnsNames.isEmpty { SubjectAlternativeNames(dnsNames.map { .dnsName($0) }) }
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: notValidAfter.addingTimeInterval(-86400 * 20), notValidAfter: notValidAfter,
            issuer: issuer?.name ?? subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: .init(signingKey ?? issuer?.key ?? key))
        return try der(certificate)
    }

    /// The SubjectPublicKeyInfo of a certificate, re-encoded by swift-certificates (an independent
    /// source to check the bytes the matcher cuts out of the certificate).
    static func spki(_ certificateDER: [UInt8]) throws -> [UInt8] {
        let certificate = try Certificate(derEncoded: certificateDER)
        var serializer = DER.Serializer()
        try serializer.serialize(certificate.publicKey)
        return serializer.serializedBytes
    }
}
