// The control-socket protocol between `sealgate queue …` and the running daemon: one JSON
// request line, one JSON response line, over a 0600 Unix socket under var/.

import Foundation

public struct ControlRequest: Codable, Sendable {
    /// An AdminAction raw value (hold, release, delete, flush, show_body, reload, and the record-only
    /// key_import, key_remove, user_add, user_remove) or ping.
    public var command: String
    public var queueID: String?
    public var actor: String
    /// For record-only actions: the admin event's detail (what changed, never content).
    public var detail: String?

    public init(command: String, queueID: String? = nil, actor: String, detail: String? = nil) {
        self.command = command; self.queueID = queueID; self.actor = actor; self.detail = detail
    }
}

public struct ControlResponse: Codable, Sendable {
    public var ok: Bool
    public var message: String

    public init(ok: Bool, message: String) { self.ok = ok; self.message = message }
}

enum ControlCodec {
    static func encodeLine<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        data.append(0x0A)
        return data
    }
}
