// SMIMESigner: signs one MIME entity with the organisation's certificate and key (CMS SignedData,
// detached, SHA-256) and returns the multipart/signed entity (RFC 8551 §3.5.3) that carries both.

import COpenSSL

/// Signs MIME entities. Stateless like `SMIMEEncryptor`; synchronous CPU work for a thread pool.
public struct SMIMESigner: Sendable {
    public init() {}

    /// Signs `entity` (canonicalised to CRLF first) with the PEM certificate and PEM private key;
    /// `chainPEM` may hold intermediate certificates to include. The result is a complete
    /// `multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256` entity whose
    /// first part is exactly the canonical entity, ready to be encrypted.
    public func sign(entity: [UInt8], certificatePEM: [UInt8], keyPEM: [UInt8], chainPEM: [UInt8] = []) throws -> [UInt8] {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        let content = CRLFCanonical.form(of: entity)

        let certificates = try OpenSSLBytes.certificates(pem: certificatePEM)
        defer { certificates.forEach { X509_free($0) } }
        guard let certificate = certificates.first else { throw SMIMEError.badSigningMaterial("no PEM certificate found") }
        guard let key = try OpenSSLBytes.privateKey(pem: keyPEM) else {
            throw SMIMEError.badSigningMaterial("no PEM private key found (\(OpenSSLErrorQueue.drain()))")
        }
        defer { EVP_PKEY_free(key) }
        guard X509_check_private_key(certificate, key) == 1 else {
            throw SMIMEError.badSigningMaterial("the key does not match the certificate")
        }
        let der = try signedData(content, certificate: certificate, key: key, chainPEM: chainPEM)
        return MultipartSigned.render(content: content, signature: SMIMEEntity.signaturePart(der: der))
    }

    private func signedData(_ content: [UInt8], certificate: OpaquePointer, key: OpaquePointer,
                            chainPEM: [UInt8]) throws -> [UInt8] {
        // The stack exists before any chain certificate is parsed: from then on every parsed one is
        // either owned by the stack or freed here, whatever fails.
        guard let stack = sealgate_sk_X509_new_null() else { throw OpenSSLErrorQueue.failure("sk_X509_new_null") }
        defer { sealgate_sk_X509_pop_free(stack) }
        let chain = try OpenSSLBytes.certificates(pem: chainPEM)
        for (index, cert) in chain.enumerated() where sealgate_sk_X509_push(stack, cert) == 0 {
            chain[index...].forEach { X509_free($0) } // the stack owns only those pushed before
            throw OpenSSLErrorQueue.failure("sk_X509_push")
        }
        let flags = sealgate_CMS_BINARY() | sealgate_CMS_DETACHED() | sealgate_CMS_PARTIAL()
        guard let cms = CMS_sign(nil, nil, stack, nil, flags) else { throw OpenSSLErrorQueue.failure("CMS_sign") }
        defer { CMS_ContentInfo_free(cms) }
        guard CMS_add1_signer(cms, certificate, key, EVP_sha256(), flags) != nil else {
            throw OpenSSLErrorQueue.failure("CMS_add1_signer")
        }
        try OpenSSLBytes.withReadBIO(content) { input in
            guard CMS_final(cms, input, nil, flags) == 1 else { throw OpenSSLErrorQueue.failure("CMS_final (sign)") }
        }
        return try OpenSSLBytes.collect("i2d_CMS_bio") { out in i2d_CMS_bio(out, cms) == 1 }
    }
}

/// The multipart/signed container: the signed entity, byte for byte, then the signature part.
enum MultipartSigned {
    static func render(content: [UInt8], signature: [UInt8]) -> [UInt8] {
        let boundary = Boundary.make(avoiding: content)
        var out = Array("""
            Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;\r
             boundary="\(boundary)"\r
            \r
            This is a cryptographically signed message in MIME format.\r
            \r
            --\(boundary)\r

            """.utf8)
        out += content
        // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1), so the signed
        // content ends exactly where `content` ends.
        out += Array("\r\n--\(boundary)\r\n".utf8)
        out += signature
        out += Array("\r\n--\(boundary)--\r\n".utf8)
        return out
    }
}

/// A random multipart boundary that does not occur in the content.
enum Boundary {
    static func make(avoiding content: [UInt8]) -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            let hex = (0..<4).map { _ in String(generator.next() as UInt32, radix: 16) }.joined()
            let candidate = "----=_sealgate_" + hex
            if !contains(content, Array(candidate.utf8)) { return candidate }
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return false }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
