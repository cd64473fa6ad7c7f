// InboundCipherPolicy: which TLS 1.2 suites the SMTP listeners offer (`tls.ciphers`): forward-secret
// AEAD only by default (Mozilla's "intermediate" profile), or the TLS library's wider list for old senders.

import NIOSSL

public enum InboundCipherPolicy: String, Sendable, CaseIterable, Equatable {
    /// ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 only: no static-RSA key exchange, no CBC.
    case forwardSecret = "forward-secret"
    /// BoringSSL's default list, which adds TLS_RSA_* and CBC-SHA suites: for old MTAs on port 25 that
    /// can do nothing better (Postfix's `smtpd_tls_ciphers = medium` stance). An explicit choice.
    case wide

    /// Mozilla's intermediate TLS 1.2 suites that BoringSSL implements (its DHE suites it does not);
    /// TLS 1.3's suites are fixed by the library and are all AEAD.
    public static let forwardSecretSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    /// Sets the suites on a server configuration (TLS 1.2 as the floor either way).
    func apply(to tls: inout TLSConfiguration) {
        tls.minimumTLSVersion = .tlsv12
        if self == .forwardSecret { tls.cipherSuiteValues = Self.forwardSecretSuites }
    }
}
