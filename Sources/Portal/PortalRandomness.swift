// PortalRandomness: where the portal store takes its random bytes (message ids, link tokens, message
// keys, nonces, salts, key pairs), injected so tests can see what the store asks for.

/// A source of cryptographically secure random bytes.
public protocol PortalRandomness: Sendable {
    /// `count` fresh random bytes.
    func bytes(_ count: Int) -> [UInt8]
}

/// The operating system's CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on Linux).
public struct SystemPortalRandomness: PortalRandomness {
    public init() {}

    public func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
