// PortalLinkToken: the 256-bit secret that exists only in a message's pickup link (the store keeps
// a check value derived from it and the pepper, never the token). It never prints itself.

public struct PortalLinkToken: PortalRandomValue, Sendable, CustomStringConvertible {
    public static let byteCount = 32

    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// The text form for building the link (52 base32 characters). Only the notice should ask for it.
    public var linkText: String { base32 }

    /// Redacted, so interpolating a token into a log line or error cannot leak it.
    public var description: String { "<portal link token>" }
}
