// The collaborators an SMTP session needs but does not own: where accepted messages go and
// who checks passwords. The Gateway supplies both; tests can supply their own.

import MailCore
import SMTPProtocol

/// Takes a finished message. Returns only once the message is on stable storage: the session
/// replies 250 after that, never before (RFC 5321 §6.1).
public protocol MessageSink: Sendable {
    func accept(envelope: Envelope, message: [UInt8]) async throws
}

/// Checks AUTH credentials. Slow on purpose (PBKDF2): never call it on an event loop. `client` is
/// the peer's IP address (brute-force limits are per client).
public protocol Authenticator: Sendable {
    func verify(username: String, password: String, client: String) async -> AuthResult
}
