// MethodRecord: the method ladder's part of a delivery record: the method used (or none), whether
// `otherwise` decided, each stronger rung skipped with its stable code, and the encryption facts.

import MailCore

public struct MethodRecord: Sendable, Codable, Equatable {
    /// One skipped rung: the stable code (`no-key`, `tls-version-below-minimum`, ...) and the line an admin reads.
    public struct Skip: Sendable, Codable, Equatable {
        public var method: String
        public var code: String
        public var reason: String

        public init(method: String, code: String, reason: String) {
            self.method = method; self.code = code; self.reason = reason
        }
    }

    /// "smime", "pgp", "tls", "portal", or "none" when `otherwise` deferred or bounced.
    public var method: String
    /// Set when no allowed method was usable and `otherwise` decided ("defer", "bounce", "portal").
    public var otherwise: String?
    public var skipped: [Skip]
    public var encryption: EncryptionFacts?

    public init(method: String, otherwise: String?, skipped: [Skip], encryption: EncryptionFacts?) {
        self.method = method; self.otherwise = otherwise; self.skipped = skipped; self.encryption = encryption
    }

    public init(_ choice: MethodChoice, encryption: EncryptionFacts?) {
        self.init(method: choice.method?.rawValue ?? "none", otherwise: choice.fallback?.rawValue,
                  skipped: choice.skips.map { Skip(method: $0.method.rawValue, code: $0.code, reason: $0.description) },
                  encryption: encryption)
    }

    private enum CodingKeys: String, CodingKey { case method, otherwise, skipped, encryption }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encodeIfPresent(otherwise, forKey: .otherwise)
        try c.encode(skipped, forKey: .skipped)
        try c.encodeIfPresent(encryption, forKey: .encryption)
    }

    /// "method=smime (key sha256:ab12… aes-256-cbc); skipped: …": the clause for the Received-style line.
    public var clause: String {
        var out = "method=\(method)"
        if let encryption { out += " (key \(encryption.keyID) \(encryption.cipher)\(encryption.signedBy.map { ", signed by \($0)" } ?? ""))" }
        if let otherwise { out += " otherwise=\(otherwise)" }
        if !skipped.isEmpty { out += " skipped=\"" + skipped.map(\.reason).joined(separator: "; ") + "\"" }
        return out
    }
}
