// SMIMEEncryptor: encrypts one MIME entity for its recipients' certificates with OpenSSL's CMS
// (RFC 8551, RFC 5652/5083), returning the application/pkcs7-mime entity that replaces it.

import COpenSSL

/// Encrypts MIME entities for S/MIME recipients. A value with no state: every call makes and frees
/// its own OpenSSL objects, and OpenSSL's error queue is per thread, so calls may run in parallel.
///
/// Encryption is CPU work and this API is synchronous: call it from the caller's thread pool
/// (`NIOThreadPool.runIfActive`), never on an event loop.
public struct SMIMEEncryptor: Sendable {
    public var rsaPadding: SMIMERSAPadding

    public init(rsaPadding: SMIMERSAPadding = .pkcs1v15) {
        self.rsaPadding = rsaPadding
    }

    /// Encrypts `entity` (a whole MIME entity: its content headers, an empty line, its body) for
    /// every certificate in `recipientCertificatesDER`. The entity is first put in canonical CRLF
    /// form (bare LF and bare CR become CRLF; CRLF stays) and is then handed to OpenSSL with
    /// `CMS_BINARY`, so the recipient decrypts exactly those bytes.
    ///
    /// Returns a complete MIME entity: `Content-Type: application/pkcs7-mime; smime-type=enveloped-data`
    /// (or `authEnveloped-data` for AES-GCM), base64 in 76-column CRLF lines. Throws rather than
    /// return anything else: a failure never yields the plaintext.
    public func encrypt(entity: [UInt8], recipientCertificatesDER: [[UInt8]],
                        cipher: SMIMECipher = .aes256CBC) throws -> [UInt8] {
        guard !recipientCertificatesDER.isEmpty else { throw SMIMEError.noRecipients }
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }

        var certificates: [OpaquePointer] = []
        defer { certificates.forEach { X509_free($0) } }
        for (index, der) in recipientCertificatesDER.enumerated() {
            guard let cert = OpenSSLBytes.certificate(der: der) else {
                let detail = OpenSSLErrorQueue.drain()
                throw SMIMEError.badCertificate(index: index, reason: "not a DER X.509 certificate (\(detail))")
            }
            certificates.append(cert) // freed by the defer above, also when a check below throws
            guard let key = X509_get0_pubkey(cert) else {
                throw SMIMEError.badCertificate(index: index, reason: "no usable public key (\(OpenSSLErrorQueue.drain()))")
            }
            let type = EVP_PKEY_get_base_id(key)
            guard type == EVP_PKEY_RSA || type == EVP_PKEY_EC else {
                throw SMIMEError.badCertificate(index: index, reason: "key type \(type) is neither RSA nor EC")
            }
        }

        let der = try envelope(CRLFCanonical.form(of: entity), certificates: certificates, cipher: cipher)
        return SMIMEEntity.envelope(der: der.bytes, smimeType: der.authenticated ? "authEnveloped-data" : "enveloped-data")
    }

    /// Builds the CMS structure (partial, recipients added one by one so RSA padding can be set),
    /// finalises it over `content` and returns its DER and whether it is AuthEnvelopedData.
    private func envelope(_ content: [UInt8], certificates: [OpaquePointer],
                          cipher: SMIMECipher) throws -> (bytes: [UInt8], authenticated: Bool) {
        let flags = sealgate_CMS_BINARY() | sealgate_CMS_PARTIAL()
        guard let evpCipher = cipher.evpCipher, let cms = CMS_encrypt(nil, nil, evpCipher, flags) else {
            throw OpenSSLErrorQueue.failure("CMS_encrypt (\(cipher.rawValue))")
        }
        defer { CMS_ContentInfo_free(cms) }
        for (index, cert) in certificates.enumerated() {
            guard let info = CMS_add1_recipient_cert(cms, cert, flags | sealgate_CMS_KEY_PARAM()) else {
                throw SMIMEError.badCertificate(index: index, reason: "OpenSSL refused it as a recipient (\(OpenSSLErrorQueue.drain()))")
            }
            if rsaPadding == .oaep, CMS_RecipientInfo_type(info) == sealgate_CMS_RECIPINFO_TRANS(),
               let key = X509_get0_pubkey(cert), EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA {
                guard let context = CMS_RecipientInfo_get0_pkey_ctx(info), sealgate_set_rsa_oaep(context) > 0 else {
                    throw OpenSSLErrorQueue.failure("setting RSA-OAEP for recipient \(index + 1)")
                }
            }
        }
        try OpenSSLBytes.withReadBIO(content) { input in
            guard CMS_final(cms, input, nil, flags) == 1 else { throw OpenSSLErrorQueue.failure("CMS_final") }
        }
        let authenticated = sealgate_CMS_type_nid(cms) == sealgate_NID_authEnvelopedData()
        let der = try OpenSSLBytes.collect("i2d_CMS_bio") { out in i2d_CMS_bio(out, cms) == 1 }
        return (der, authenticated)
    }
}
