// Which header fields a DKIM signature covers (RFC 6376 §5.4, §5.4.1, §5.4.2), and how the h=
// list is built from the fields the message has: some signed as present, some oversigned.

/// The header fields a signature covers.
///
/// - `oversigned` fields are listed once more than the message has them (once when it has none):
///   the verifier then hashes an empty value for the extra entry, so a copy of the field added
///   anywhere after signing breaks the signature. From is always here (RFC 6376 §5.4: it MUST be
///   signed; §8.15: a second From must not be addable), and so are the fields a reader sees and
///   answers to: Reply-To, Subject, To, Cc.
/// - `signedWhenPresent` fields are listed once per occurrence: the rest of RFC 6376 §5.4.1's
///   list (Date, Message-ID, In-Reply-To, References, the Resent-* and List-* fields), Sender,
///   the MIME fields (so the body cannot be reinterpreted), TLS-Required (RFC 8689), and
///   List-Unsubscribe-Post (RFC 8058 requires it and List-Unsubscribe to be signed).
/// - Never signed: trace fields (Received, Return-Path) and anything else a relay may add or
///   rewrite (RFC 6376 §5.4.1 says SHOULD NOT for Return-Path, Received, Comments, Keywords),
///   and other DKIM-Signature fields, so several signatures can stack in any order.
public struct SignedHeaders: Sendable, Equatable {
    public var oversigned: [String]
    public var signedWhenPresent: [String]

    public init(oversigned: [String], signedWhenPresent: [String]) {
        self.oversigned = oversigned
        self.signedWhenPresent = signedWhenPresent
    }

    public static let `default` = SignedHeaders(
        oversigned: ["From", "Reply-To", "Subject", "To", "Cc"],
        signedWhenPresent: [
            "Sender", "Date", "Message-ID", "In-Reply-To", "References",
            "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-ID",
            "Content-Description", "TLS-Required",
            "Resent-Date", "Resent-From", "Resent-Sender", "Resent-To", "Resent-Cc", "Resent-Message-ID",
            "List-Id", "List-Help", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Subscribe", "List-Post",
            "List-Owner", "List-Archive",
        ])

    /// The h= entries for a message with these fields: each signed name once per occurrence, each
    /// oversigned name once more. From is oversigned even if a caller left it out of the lists.
    func entries(for headers: [RawHeaderField]) -> [String] {
        var counts: [String: Int] = [:]
        for field in headers { counts[field.matchName, default: 0] += 1 }
        var over = oversigned
        if !over.contains(where: { $0.lowercased() == "from" }) { over.insert("From", at: 0) }
        var out: [String] = []
        for name in over {
            out += Array(repeating: name, count: (counts[name.lowercased()] ?? 0) + 1)
        }
        for name in signedWhenPresent where !over.contains(where: { $0.lowercased() == name.lowercased() }) {
            out += Array(repeating: name, count: counts[name.lowercased()] ?? 0)
        }
        return out
    }
}
