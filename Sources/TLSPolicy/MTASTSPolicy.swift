// MTA-STS policy values (RFC 8461 §3.2) and MX pattern matching (§4.1).
// Pure value types: no I/O; the client fetches, the parser builds, the planner asks `allows`.
public enum MTASTSMode: String, Sendable, Codable {
    case enforce, testing, none
}

public struct MTASTSPolicy: Sendable, Codable, Equatable {
    public var mode: MTASTSMode
    /// MX patterns, lower-cased without a trailing dot: "mx.example.com" or "*.example.com".
    public var mx: [String]
    /// Seconds the policy may be cached (0...31557600).
    public var maxAge: Int
    /// The `id` of the `_mta-sts` TXT record this policy was fetched under, when known.
    public var id: String?

    public init(mode: MTASTSMode, mx: [String], maxAge: Int, id: String? = nil) {
        self.mode = mode
        self.mx = mx
        self.maxAge = maxAge
        self.id = id
    }

    /// Whether `mxHost` matches one of the policy's MX patterns (RFC 8461 §4.1).
    /// Case-insensitive, trailing dots ignored; "*.example.com" covers exactly one extra
    /// left-most label: "a.example.com", but neither "example.com" nor "a.b.example.com".
    public func allows(mxHost: String) -> Bool {
        let host = mxHost.normalizedDomain
        guard !host.isEmpty else { return false }
        return mx.contains { MTASTSNames.matches(host: host, pattern: $0.normalizedDomain) }
    }
}

/// Name handling shared by the parser, the matcher and the client.
enum MTASTSNames {
    static func matches(host: String, pattern: String) -> Bool {
        guard !pattern.isEmpty else { return false }
        if pattern.hasPrefix("*.") {
            let suffix = pattern.dropFirst(1)            // ".example.com"
            guard suffix.count > 1, host.hasSuffix(suffix) else { return false }
            let label = host.dropLast(suffix.count)
            return !label.isEmpty && !label.contains(".")
        }
        return host == pattern
    }

    /// A host name (or the part after "*.") as RFC 8461's `Domain`: dot-separated labels of
    /// letters, digits, hyphens and (for IDNA A-labels or U-labels) non-ASCII, each 1...63 long.
    static func isValidHostName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            return label.unicodeScalars.allSatisfy { s in
                !s.isASCII || (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-")
            }
        }
    }
}
