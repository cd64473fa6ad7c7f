// The control-socket protocol between `sealgate queue …|portal …` and the running daemon: one JSON
// request line, one JSON response line, over a 0600 Unix socket under var/.

import Audit
import Foundation

public struct ControlRequest: Codable, Sendable {
    /// An AdminAction raw value (hold, release, delete, flush, show_body, reload, and the record-only
    /// key_import, key_remove, user_add, user_remove), ping, or a portal_* command.
    public var command: String
    public var queueID: String?
    public var actor: String
    /// The portal commands' operand (a portal message id, or an unlock target). Optional on the wire:
    /// the synthesized coding uses decodeIfPresent/encodeIfPresent, so requests without it (older
    /// clients, queue commands) read and write exactly as before.
    public var argument: String?
    /// For record-only actions: the admin event's detail (what changed, never content). Optional on
    /// the wire like `argument`.
    public var detail: String?
    /// For `hold_add` and `hold_remove`: the legal hold (optional on the wire like `detail`).
    public var hold: LegalHold?

    public init(command: String, queueID: String? = nil, actor: String, argument: String? = nil,
                detail: String? = nil, hold: LegalHold? = nil) {
        self.command = command; self.queueID = queueID; self.actor = actor
        self.argument = argument; self.detail = detail; self.hold = hold
    }
}

public struct ControlResponse: Codable, Sendable {
    public var ok: Bool
    public var message: String
    /// The portal commands' metadata rows; absent for every other command (older clients ignore it).
    public var portal: PortalAdminReply?

    public init(ok: Bool, message: String, portal: PortalAdminReply? = nil) {
        self.ok = ok; self.message = message; self.portal = portal
    }
}

enum ControlCodec {
    static func encodeLine<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        var data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        data.append(0x0A)
        return data
    }

    /// Decodes a line written by `encodeLine` (dates as seconds since 1970).
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(type, from: data)
    }
}
