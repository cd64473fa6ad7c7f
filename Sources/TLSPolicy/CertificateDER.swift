// CertificateDER: the exact DER pieces DANE hashes (whole certificate, SubjectPublicKeyInfo),
// cut from the bytes the server sent rather than re-encoded, so digests match the TLSA data.

import X509
import SwiftASN1

enum CertificateDER {
    /// The SubjectPublicKeyInfo exactly as encoded in the certificate: the 7th element of
    /// TBSCertificate, or the 6th when the optional [0] version is absent.
    static func subjectPublicKeyInfo(of certificateDER: [UInt8]) -> [UInt8]? {
        guard let root = try? DER.parse(certificateDER),
              case .constructed(let certificateParts) = root.content,
              let tbs = certificateParts.first(where: { _ in true }),
              case .constructed(let tbsParts) = tbs.content else { return nil }
        var fields = Array(tbsParts)
        if let first = fields.first, first.identifier.tagClass == .contextSpecific, first.identifier.tagNumber == 0 {
            fields.removeFirst()
        }
        // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
        guard fields.count > 5, fields[5].identifier == .sequence else { return nil }
        return Array(fields[5].encodedBytes)
    }

    /// A SubjectPublicKeyInfo in DER as a public key (for DANE-TA records that carry only the key).
    static func publicKey(fromSPKI der: [UInt8]) -> Certificate.PublicKey? {
        try? Certificate.PublicKey(derEncoded: der)
    }
}
