// The control-socket protocol between `sealgate queue …` and the running daemon: one JSON
// request line, one JSON response line, over a 0600 Unix socket under var/.

import Foundation

public struct ControlRequest: Codable, Sendable {
    public var command: String          // an AdminAction raw value (hold, release, delete, flush, show_body) or ping
    public var queueID: String?
    public var actor: String

    public init(command: String, queueID: String? = nil, actor: String) {
        self.command = command; self.queueID = queueID; self.actor = actor
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
