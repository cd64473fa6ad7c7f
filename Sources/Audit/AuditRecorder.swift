// AuditRecorder: what the daemon's writers (the SMTP sink, the queue manager) call to record an
// event. A store records directly; `AuditOutbox` wraps one so a failed append is kept and retried.

public protocol AuditRecorder: Sendable {
    /// Records `event` durably before returning. Throws only when it could not be kept at all.
    func record(_ event: AuditEvent) throws
}

extension AuditStore {
    /// Appends to the store; a failure is the caller's to handle (nothing is kept for a retry).
    public func record(_ event: AuditEvent) throws { _ = try append(event) }
}

extension MemoryAuditStore: AuditRecorder {}
extension SQLiteAuditStore: AuditRecorder {}
