// SMTPServerConfig: the per-listener limits and policies that the server state machine enforces
// (sizes, recipients, line lengths, STARTTLS/AUTH offers, relay trust, bare-newline handling).

/// Whether a listener offers AUTH, and whether it insists on it before MAIL.
public enum AuthMode: String, Sendable {
    case none, optional, required
}

/// What to do with a bare LF (or CR) on the wire: reject it (SMTP smuggling defence, the default)
/// or, for legacy applications in trusted networks, treat a bare LF as CRLF (Postfix 3.9 `normalize`).
public enum BareNewlinePolicy: String, Sendable {
    case reject, normalize
}

public struct SMTPServerConfig: Sendable {
    /// Shown in the greeting and the first EHLO line.
    public var hostname: String
    /// The SIZE value advertised in EHLO; larger messages get 552 5.3.4.
    public var maxMessageSize: Int
    /// RCPT commands beyond this get 452 4.5.3.
    public var maxRecipients: Int
    /// Command line limit in octets, CRLF included (RFC 5321 §4.5.3.1.4). AUTH lines may be longer.
    public var maxCommandLineLength: Int = 512
    /// DATA line limit in octets, CRLF included. A longer line makes the message fail after the dot.
    public var maxDataLineLength: Int = 65536
    /// Offer STARTTLS (never once TLS is active).
    public var starttlsAvailable: Bool
    public var auth: AuthMode
    /// The client is in a trusted network and may relay without AUTH.
    public var clientIsTrusted: Bool
    public var bareNewline: BareNewlinePolicy
    /// More Received: headers than this is a mail loop: 554 5.4.6.
    public var maxReceivedHeaders: Int = 50
    /// Errors (5xx/4xx answers to commands) tolerated before the session is closed with 421.
    public var maxErrors: Int = 20
    /// Failed AUTH attempts tolerated before the session is closed with 421.
    public var maxAuthFailures: Int = 3
    /// Asked at MAIL FROM: a spool without room for the message gets 452 4.3.1 (nil: never asked).
    public var spoolRoom: (any SpoolRoom)?

    public init(hostname: String,
                maxMessageSize: Int = 25 * 1024 * 1024,
                maxRecipients: Int = 100,
                maxCommandLineLength: Int = 512,
                maxDataLineLength: Int = 65536,
                starttlsAvailable: Bool = false,
                auth: AuthMode = .none,
                clientIsTrusted: Bool = false,
                bareNewline: BareNewlinePolicy = .reject,
                maxReceivedHeaders: Int = 50,
                maxErrors: Int = 20,
                maxAuthFailures: Int = 3) {
        self.hostname = hostname
        self.maxMessageSize = maxMessageSize
        self.maxRecipients = maxRecipients
        self.maxCommandLineLength = maxCommandLineLength
        self.maxDataLineLength = maxDataLineLength
        self.starttlsAvailable = starttlsAvailable
        self.auth = auth
        self.clientIsTrusted = clientIsTrusted
        self.bareNewline = bareNewline
        self.maxReceivedHeaders = maxReceivedHeaders
        self.maxErrors = maxErrors
        self.maxAuthFailures = maxAuthFailures
    }
}
