// AdminEvent: an operator changed behaviour or read a message: queue actions, config and policy
// loads and reloads (with each file's SHA-256), key and user changes. Who, what, which; never content.

import MailCore

public struct AdminEvent: Sendable, Codable, Equatable {
    /// Who acted: a Unix user name, "uid:0", or an authenticated admin name.
    public var actor: String
    /// A short verb; see `AdminAction` for the ones Sealgate itself uses.
    public var action: String
    public var queueID: QueueID?
    /// Free text about the action (never message content), e.g. "recipients=2".
    public var detail: String?
    /// The files in force after a config load or reload, each with its content hash; nil for other actions.
    public var files: [FileHash]?
    /// The legal hold added or removed (`hold_add`, `hold_remove`); nil for other actions.
    public var hold: LegalHold?

    public init(actor: String, action: String, queueID: QueueID? = nil, detail: String? = nil, files: [FileHash]? = nil,
                hold: LegalHold? = nil) {
        self.actor = actor; self.action = action; self.queueID = queueID; self.detail = detail; self.files = files
        self.hold = hold
    }

    public init(actor: String, action: AdminAction, queueID: QueueID? = nil, detail: String? = nil, files: [FileHash]? = nil,
                hold: LegalHold? = nil) {
        self.init(actor: actor, action: action.rawValue, queueID: queueID, detail: detail, files: files, hold: hold)
    }

    private enum CodingKeys: String, CodingKey { case actor, action, queueID = "queue_id", detail, files, hold }
}

/// One file and the lower-case hex SHA-256 of its bytes, as `sha256sum FILE` prints it.
public struct FileHash: Sendable, Codable, Equatable {
    public var path: String
    public var sha256: String

    public init(path: String, sha256: String) { self.path = path; self.sha256 = sha256 }

    /// The hash of `bytes`, recorded under `path`.
    public init(path: String, bytes: [UInt8]) {
        self.init(path: path, sha256: CanonicalRecord.sha256Hex(bytes: bytes))
    }
}

/// The admin action verbs Sealgate records. Stored as their raw values; never rename one.
public enum AdminAction: String, Sendable, Codable, CaseIterable {
    case hold, release, delete, flush
    case showBody = "show_body"
    /// The daemon started with this config and these policies (`files`).
    case configLoaded = "config_loaded"
    /// `sealgate reload` or SIGHUP: `detail` is `applied` or `refused`, `files` what was read.
    case reload
    case keyImport = "key_import"
    case keyRemove = "key_remove"
    case userAdd = "user_add"
    case userRemove = "user_remove"
    /// `sealgate admin token add|remove`: the token's name and role (never the token or its hash).
    case tokenAdd = "token_add"
    case tokenRemove = "token_remove"
    /// `sealgate audit hold add` / `hold remove`: `hold` is the hold, `detail` says what it covers.
    case holdAdd = "hold_add"
    case holdRemove = "hold_remove"
    /// `sealgate audit prune`: recorded after the checkpoint; `detail` names the range removed.
    case prune

    /// Actions a CLI process reports to the daemon only to have them recorded (the change itself
    /// was made by the CLI in files the daemon reads).
    public var isRecordOnly: Bool {
        switch self {
        case .keyImport, .keyRemove, .userAdd, .userRemove, .tokenAdd, .tokenRemove, .holdAdd, .holdRemove, .prune: return true
        default: return false
        }
    }
}
