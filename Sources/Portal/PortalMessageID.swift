// PortalMessageID: a portal message's identity, 128 random bits; in the pickup link, file names,
// audit records and the admin commands as 26 base32 characters.

public struct PortalMessageID: PortalRandomValue, Hashable, Sendable, Codable, CustomStringConvertible {
    public static let byteCount = 16

    /// The 16 random bytes.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// The text form: 26 lower-case base32 characters.
    public var text: String { base32 }
    public var description: String { text }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = PortalMessageID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad portal message id"))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
