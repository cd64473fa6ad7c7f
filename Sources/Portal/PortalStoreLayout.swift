// PortalStoreLayout: where FilePortalStore keeps each file under its directory (var/portal/ by default;
// PostgresPortalStore's row keys follow it), and which names are store files (temp files never are).

struct PortalStoreLayout: Sendable {
    /// The kinds of file a message has in `messages/`.
    enum MessageFile: String, CaseIterable {
        /// The sealed message record: metadata and the wrapped keys.
        case keys
        /// The message's ciphertext.
        case body
        /// The tombstone of a revoked or expired message.
        case gone
    }

    let root: String

    var messages: String { "\(root)/messages" }
    var recipients: String { "\(root)/recipients" }
    var lockFile: String { "\(root)/lock" }
    var storeCheck: String { "\(root)/store-check" }

    func path(_ id: PortalMessageID, _ file: MessageFile) -> String { "\(messages)/\(id.text).\(file.rawValue)" }
    func recipientPath(_ name: String) -> String { "\(recipients)/\(name).key" }

    /// The file (or, in PostgreSQL, the row key) of a store blob.
    func path(_ key: PortalStoreKey) -> String {
        switch key {
        case .message(let id, let file): return path(id, file)
        case .recipient(let name): return recipientPath(name)
        case .storeCheck: return storeCheck
        }
    }

    /// A name in `messages/` that is one of a message's files: `<id>.<kind>`, nothing more.
    static func messageFile(named name: String) -> (PortalMessageID, MessageFile)? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = PortalMessageID(String(parts[0])), id.text == parts[0],
              let kind = MessageFile(rawValue: String(parts[1])) else { return nil }
        return (id, kind)
    }

    /// A name SafeIO's durable write uses for its temp file (`<name>.tmp.<pid>.<random>`): left only
    /// by a write that crashed, never read, removed when the store opens.
    static func isTempFile(_ name: String) -> Bool { name.contains(".tmp.") }
}
