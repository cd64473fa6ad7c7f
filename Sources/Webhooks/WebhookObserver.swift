// WebhookObserver: what the dispatcher reports (each attempt's result, the backlog), so Gateway can
// count it in its metrics without this target knowing about metrics; and the log lines it writes.

public enum WebhookAttemptResult: String, Sendable {
    case ok, failed
    case gaveUp = "gave_up"
}

public protocol WebhookObserver: Sendable {
    func attempt(_ result: WebhookAttemptResult)
    /// Events waiting over all endpoints.
    func backlog(_ count: Int)
}

/// Counts nothing (tests, or a daemon without metrics).
public struct NoWebhookObserver: WebhookObserver {
    public init() {}
    public func attempt(_ result: WebhookAttemptResult) {}
    public func backlog(_ count: Int) {}
}
