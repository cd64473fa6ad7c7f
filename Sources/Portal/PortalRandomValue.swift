// PortalRandomValue: what message ids and link tokens share: a fixed number of random bytes from the
// injected source, written as canonical base32 (PortalBase32) and parsed back from it.

public protocol PortalRandomValue {
    static var byteCount: Int { get }
    var bytes: [UInt8] { get }
    /// The value with these bytes; nil unless there are exactly `byteCount` of them.
    init?(bytes: [UInt8])
}

extension PortalRandomValue {
    /// A fresh value from `randomness`. A source that returns fewer bytes than asked breaks its contract: that traps.
    public init(randomness: any PortalRandomness) {
        let bytes = randomness.bytes(Self.byteCount)
        guard let value = Self(bytes: bytes) else {
            preconditionFailure("a PortalRandomness returned \(bytes.count) bytes where \(Self.byteCount) were asked for")
        }
        self = value
    }

    /// Parses the text form (either case); nil when it is not base32 of `byteCount` bytes.
    public init?(_ text: String) {
        guard let bytes = PortalBase32.decode(text, byteCount: Self.byteCount) else { return nil }
        self.init(bytes: bytes)
    }

    var base32: String { PortalBase32.encode(bytes) }
}
