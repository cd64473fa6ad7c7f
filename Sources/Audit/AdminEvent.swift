// AdminEvent: an operator acted on the queue (hold, release, delete, flush) or read a message
// body (`queue show --body`). Records who, what and on which message; never the content.

import MailCore

public struct AdminEvent: Sendable, Codable, Equatable {
    /// Who acted: a Unix user name, "uid:0", or an authenticated admin name.
    public var actor: String
    /// A short verb; see `AdminAction` for the ones Sealgate itself uses.
    public var action: String
    public var queueID: QueueID?
    /// Free text about the action (never message content), e.g. "recipients=2".
    public var detail: String?

    public init(actor: String, action: String, queueID: QueueID? = nil, detail: String? = nil) {
        self.actor = actor; self.action = action; self.queueID = queueID; self.detail = detail
    }

    public init(actor: String, action: AdminAction, queueID: QueueID? = nil, detail: String? = nil) {
        self.init(actor: actor, action: action.rawValue, queueID: queueID, detail: detail)
    }

    private enum CodingKeys: String, CodingKey { case actor, action, queueID = "queue_id", detail }
}

/// The admin action verbs Sealgate records. Stored as their raw values.
public enum AdminAction: String, Sendable, Codable, CaseIterable {
    case hold, release, delete, flush
    case showBody = "show_body"
}
