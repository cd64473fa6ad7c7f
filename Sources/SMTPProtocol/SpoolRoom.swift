// SpoolRoom: the question the server asks at MAIL FROM before it takes a transaction: is there room
// in the spool for a message this big (Postfix's queue_minfree check, answered 452 4.3.1 when not)?

/// Answers from a cached measurement, never by blocking I/O: the state machine asks it on its event loop.
public protocol SpoolRoom: Sendable {
    /// Whether a message of `bytes` (the SIZE the client declared, 0 if none) may be taken now.
    func hasRoom(for bytes: Int) -> Bool
}
