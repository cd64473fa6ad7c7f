// EncryptionFacts: how one recipient's copy was encrypted end to end (S/MIME or PGP): the key used,
// the content cipher, and the organisation's signature if any. No content, only names.

public struct EncryptionFacts: Sendable, Hashable, Codable {
    public var method: DeliveryMethod
    /// "sha256:ab12…" (an S/MIME certificate) or "0x…" (a PGP key), as the trace names it.
    public var keyID: String
    /// "aes-256-cbc", "aes-256-gcm", "aes-256".
    public var cipher: String
    /// The organisation's signing certificate or key, when the copy was signed too.
    public var signedBy: String?

    public init(method: DeliveryMethod, keyID: String, cipher: String, signedBy: String? = nil) {
        self.method = method; self.keyID = keyID; self.cipher = cipher; self.signedBy = signedBy
    }

    enum CodingKeys: String, CodingKey {
        case method, keyID = "key_id", cipher, signedBy = "signed_by"
    }

    /// "smime key sha256:ab12… aes-256-cbc (signed by …)": one phrase for logs and `queue show`.
    public var summary: String {
        "\(method.rawValue) key \(keyID) \(cipher)" + (signedBy.map { " (signed by \($0))" } ?? "")
    }
}
