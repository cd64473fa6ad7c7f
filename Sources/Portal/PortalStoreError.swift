// PortalStoreError: what the portal store refuses or finds, typed so the web layer picks the page and
// status; worded with ids and paths only, never a message's content, an address, a token or a password.

public enum PortalStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No message with this id (never deposited, or its tombstone purged). The web layer must show the
    /// same page as for `.denied`, so a guess learns nothing.
    case notFound
    /// The message was revoked or expired: its keys and ciphertext are destroyed (HTTP 410).
    case gone(PortalGone)
    /// The link token or password is wrong, or the recipient key does not open this message.
    case denied
    /// A store file failed authentication (tampered, truncated, moved between messages, or sealed under
    /// another pepper): fail closed, never show it, audit it.
    case damaged(part: PortalStorePart, id: PortalMessageID?)
    /// The recipient has no password (no key pair) yet.
    case noPassword
    /// The recipient already has a password: changing it is a reset (after an emailed code).
    case passwordAlreadySet
    /// The password is shorter than `minimum` characters.
    case passwordTooShort(minimum: Int)
    /// The pepper key file is missing, not private, or malformed.
    case pepperFile(path: String, problem: String)
    /// The pepper is not the one this store was made with (its check record does not open).
    case pepperMismatch(directory: String)
    /// A deposit or a configuration value the store cannot use.
    case invalidRequest(String)
    /// A cryptographic primitive failed where it cannot for valid input.
    case internalFailure(String)
    /// The shared store (PostgreSQL) did not answer or refused: the server's words, never a value.
    case unavailable(String)

    public var description: String {
        switch self {
        case .notFound: return "no such portal message"
        case .gone(let gone): return "the portal message was \(gone.reason.rawValue); its keys and content are destroyed"
        case .denied: return "the link or password does not open this portal message"
        case .damaged(let part, let id):
            return "portal \(part.rawValue)\(id.map { " of message \($0)" } ?? "") failed authentication (damaged or tampered); not shown"
        case .noPassword: return "the recipient has no portal password"
        case .passwordAlreadySet: return "the recipient already has a portal password; reset it instead"
        case .passwordTooShort(let minimum): return "a portal password needs at least \(minimum) characters"
        case .pepperFile(let path, let problem): return "\(path): portal pepper key file: \(problem)"
        case .pepperMismatch(let directory):
            return "\(directory): the portal pepper key file is not the one this store was made with"
        case .invalidRequest(let why): return "portal store: \(why)"
        case .internalFailure(let why): return "portal store: internal failure: \(why)"
        case .unavailable(let why): return "portal store (PostgreSQL): \(why)"
        }
    }
}

/// Which kind of store file failed authentication.
public enum PortalStorePart: String, Sendable, Equatable {
    case body = "message body"
    case keys = "message record"
    case tombstone
    case recipient = "recipient record"
    case storeCheck = "store check record"
}
