// SMIMECipher and SMIMEKeyTransport: the content-encryption choices (AES-256-CBC in EnvelopedData,
// the interoperable default, or AES-256-GCM in AuthEnvelopedData) and RSA's key-transport padding.

import COpenSSL

public enum SMIMECipher: String, Sendable, CaseIterable {
    /// AES-256-CBC in EnvelopedData (RFC 5652): every S/MIME client reads it, Outlook included.
    case aes256CBC = "aes-256-cbc"
    /// AES-256-GCM in AuthEnvelopedData (RFC 5083/5084): authenticated, but Outlook cannot read it.
    case aes256GCM = "aes-256-gcm"

    /// The `smime-type` parameter of the output's Content-Type.
    public var smimeType: String {
        switch self {
        case .aes256CBC: return "enveloped-data"
        case .aes256GCM: return "authEnveloped-data"
        }
    }

    var evpCipher: OpaquePointer? {
        switch self {
        case .aes256CBC: return EVP_aes_256_cbc()
        case .aes256GCM: return EVP_aes_256_gcm()
        }
    }
}

/// How the content key is wrapped for an RSA recipient; EC recipients always use ECDH key agreement.
public enum SMIMERSAPadding: String, Sendable {
    /// PKCS#1 v1.5 key transport: what every client reads (the default).
    case pkcs1v15
    /// RSAES-OAEP (RFC 3560), SHA-1 and MGF1-SHA-1 as OpenSSL's defaults: newer, not read by every client.
    case oaep
}
