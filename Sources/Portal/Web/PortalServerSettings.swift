// PortalServerSettings: where the portal's HTTPS listener binds, its certificate and key files (PEM),
// and the request-body limits the routes enforce while reading.

import NIOSSL

public struct PortalServerSettings: Sendable {
    public var host: String
    public var port: Int
    public var certificatePath: String
    public var keyPath: String
    /// `portal.reply.max_size`: a reply's body (text and files) above this is refused with 413 while it
    /// is still arriving; the form's own framing may add `formOverhead` bytes.
    public var replyMaxSize: Int
    /// `portal.reply.max_attachments`, shown on the reply form (the pickup enforces it).
    public var replyMaxAttachments: Int
    /// Room for the multipart framing around the reply's content.
    public var formOverhead: Int = 64 * 1024
    /// The TLS 1.2 suites offered (empty: the TLS library's defaults). The daemon passes the
    /// forward-secret AEAD list the SMTP listeners use by default.
    public var cipherSuites: [NIOTLSCipher] = []
    /// A URL-encoded form (code, password, address) is never larger than this.
    public var smallFormMaxSize: Int = 16 * 1024

    public init(host: String, port: Int, certificatePath: String, keyPath: String, replyMaxSize: Int = 10 * 1024 * 1024,
                replyMaxAttachments: Int = 5) {
        self.host = host; self.port = port; self.certificatePath = certificatePath; self.keyPath = keyPath
        self.replyMaxSize = replyMaxSize; self.replyMaxAttachments = replyMaxAttachments
    }
}
