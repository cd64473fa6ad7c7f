// MethodChoice: what the method ladder decided for one recipient (a method, or the `otherwise`
// outcome: deferred or bounced) and, in order, why each rung before it was skipped.

public struct MethodChoice: Sendable, Hashable, Codable {
    public enum Outcome: Sendable, Hashable, Codable {
        case method(DeliveryMethod)
        case deferred
        case bounced
    }

    /// What TLS the delivery of the chosen method must meet.
    public enum TransportFloor: Sendable, Hashable, Codable {
        /// `tls`: the full requirement (destination level raised by policy's floor), as measured.
        case policy
        /// `smime`/`pgp`: the content is already protected, so policy's PHI floor does not apply; the
        /// destination's configured level, never below it, and still REQUIRETLS when the message asked
        /// for it (RFC 8689 binds the transport of every hop, whatever the content).
        case destinationLevel
        /// Portal, deferred, bounced: nothing goes to the recipient's MX.
        case noDelivery
    }

    public var outcome: Outcome
    /// Set when `otherwise` decided (no allowed method was usable): defer, bounce, or portal.
    public var fallback: FallbackAction?
    /// Why each stronger rung was not used, in ladder order.
    public var skips: [RungSkip]

    public init(outcome: Outcome, fallback: FallbackAction? = nil, skips: [RungSkip] = []) {
        self.outcome = outcome; self.fallback = fallback; self.skips = skips
    }

    public var method: DeliveryMethod? {
        if case .method(let m) = outcome { return m }
        return nil
    }

    public var transport: TransportFloor {
        switch method {
        case .tls?: return .policy
        case .smime?, .pgp?: return .destinationLevel
        case .portal?, nil: return .noDelivery
        }
    }

    /// The line for the audit record and `queue show`:
    /// "method=tls; skipped: smime: no certificate on file; pgp: no key on file",
    /// "method=portal; otherwise=portal; skipped: …", "method=none; outcome=deferred (otherwise: defer); skipped: …".
    public var line: String {
        var parts: [String]
        switch outcome {
        case .method(let m):
            parts = ["method=\(m.rawValue)"]
            if let fallback { parts.append("otherwise=\(fallback.rawValue)") }
        case .deferred:
            parts = ["method=none", "outcome=deferred (otherwise: \(fallback?.rawValue ?? "defer"))"]
        case .bounced:
            parts = ["method=none", "outcome=bounced (otherwise: \(fallback?.rawValue ?? "bounce"))"]
        }
        if !skips.isEmpty { parts.append("skipped: " + skips.map(\.description).joined(separator: "; ")) }
        return parts.joined(separator: "; ")
    }

    /// The recipient state's reason when nothing was delivered: "no allowed delivery method: …"; nil otherwise.
    public var failureReason: String? {
        guard method == nil else { return nil }
        let why = skips.isEmpty ? "no method allowed" : skips.map(\.description).joined(separator: "; ")
        return "no allowed delivery method: \(why)"
    }
}
