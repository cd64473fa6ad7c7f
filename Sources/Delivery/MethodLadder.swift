// MethodLadder: for one recipient, the rungs of policy's `methods` in order, the key rungs already
// decided by the key store and `tls` left to connect time, then the choice once TLS is measured.

import MailCore

/// One recipient's ladder. Pure: no I/O; Delivery measures TLS and calls `afterTLS`.
public struct LadderPlan: Sendable, Hashable {
    public enum Rung: Sendable, Hashable {
        /// Usable as it stands: `smime`/`pgp` with a valid key (its id), or a configured portal.
        case ready(DeliveryMethod, keyID: String?)
        /// Decided not usable before any connection.
        case skipped(RungSkip)
        /// `tls`: decided at connect time, by what the hop measures.
        case atConnect
    }

    /// In ladder order; `notAllowed` skips (keys on file for methods policy leaves out) come first.
    public private(set) var rungs: [Rung]
    public let otherwise: FallbackAction
    public let portalConfigured: Bool

    init(rungs: [Rung], otherwise: FallbackAction, portalConfigured: Bool) {
        self.rungs = rungs; self.otherwise = otherwise; self.portalConfigured = portalConfigured
    }

    /// The choice when it needs no TLS measurement (a key or portal rung comes before `tls`, or
    /// there is no `tls` rung); nil when the hop must be measured first.
    public var beforeConnect: MethodChoice? { climb(tls: nil) }

    /// Whether delivery must connect and measure TLS before this recipient's method is known.
    public var needsTLSMeasurement: Bool { beforeConnect == nil }

    /// The choice once the hop's TLS is measured: `tls` only when the outcome meets the
    /// requirement; otherwise the next rung in the same pass, then `otherwise`. With several MX
    /// hosts, pass the outcome of the last hop tried (the ladder moves on once no hop meets it).
    public func afterTLS(outcome: TLSOutcome) -> MethodChoice {
        climb(tls: outcome) ?? fallback([])
    }

    /// The choice when the hop met the TLS requirement: `tls` (unless a rung before it is ready),
    /// with the skips of the rungs above it, for the trace of a recipient that left by `tls`.
    public var onTLSMet: MethodChoice { climb(tlsUnmet: { nil }) ?? fallback([]) }

    /// The same ladder with `method`'s rung skipped (e.g. encryption failed at send time).
    public func skipping(_ method: DeliveryMethod, because skip: RungSkip) -> LadderPlan {
        var copy = self
        copy.rungs = rungs.map { rung in
            switch rung {
            case .ready(let m, _) where m == method: return .skipped(skip)
            case .atConnect where method == .tls: return .skipped(skip)
            default: return rung
            }
        }
        return copy
    }

    /// For `policy explain`: one line per rung ("smime: certificate 0xAB on file",
    /// "tls: decided at connect time", "pgp: no key on file").
    public var explainLines: [String] { explainLines(tls: "tls: decided at connect time") }

    /// The same, with `tls` the line for the `tls` rung (`policy explain --probe`: the rung as measured).
    public func explainLines(tls: String) -> [String] {
        rungs.map { rung in
            switch rung {
            case .ready(.portal, _): return "portal: configured"
            case .ready(let m, let id):
                return "\(m.rawValue): \(RungSkip.keyWord(m))\(id.map { " \($0)" } ?? "") on file"
            case .skipped(let skip): return skip.description
            case .atConnect: return tls
            }
        } + ["otherwise: \(otherwise.rawValue)"]
    }

    /// Walks the rungs; nil when it reaches `tls` without an outcome to judge it by.
    private func climb(tls outcome: TLSOutcome?) -> MethodChoice? {
        climb(tlsUnmet: outcome.map { o in { o.unmet } })
    }

    /// `tlsUnmet` judges the `tls` rung (nil: met); without it the walk stops there (nil).
    private func climb(tlsUnmet: (() -> RungSkip?)?) -> MethodChoice? {
        var skips: [RungSkip] = []
        for rung in rungs {
            switch rung {
            case .ready(let m, _):
                return MethodChoice(outcome: .method(m), skips: skips)
            case .skipped(let skip):
                skips.append(skip)
            case .atConnect:
                guard let tlsUnmet else { return nil }
                guard let unmet = tlsUnmet() else { return MethodChoice(outcome: .method(.tls), skips: skips) }
                skips.append(unmet)
            }
        }
        return fallback(skips)
    }

    /// No allowed rung was usable: `otherwise` decides. A portal that is not configured defers.
    private func fallback(_ skips: [RungSkip]) -> MethodChoice {
        switch otherwise {
        case .bounce: return MethodChoice(outcome: .bounced, fallback: .bounce, skips: skips)
        case .defer: return MethodChoice(outcome: .deferred, fallback: .defer, skips: skips)
        case .portal:
            if portalConfigured { return MethodChoice(outcome: .method(.portal), fallback: .portal, skips: skips) }
            let all = skips.contains(.portalNotConfigured) ? skips : skips + [.portalNotConfigured]
            return MethodChoice(outcome: .deferred, fallback: .portal, skips: all)
        }
    }
}

public enum MethodLadder {
    /// Key-based methods, in the order their "not allowed" notes are listed.
    static let keyMethods: [DeliveryMethod] = [.smime, .pgp]

    /// The ladder for one recipient. `keys` is the key store's answer for this recipient (asked
    /// only for `smime` and `pgp`); duplicate methods (refused by the policy parser) count once.
    public static func plan(methods: [DeliveryMethod], otherwise: FallbackAction,
                            keys: (DeliveryMethod) -> KeyAvailability, portalConfigured: Bool) -> LadderPlan {
        var seen: Set<DeliveryMethod> = []
        let allowed = methods.filter { seen.insert($0).inserted }
        var rungs: [LadderPlan.Rung] = keyMethods.filter { !allowed.contains($0) && keys($0).isAvailable }
            .map { .skipped(.notAllowed($0)) }
        for method in allowed {
            switch method {
            case .tls: rungs.append(.atConnect)
            case .portal: rungs.append(portalConfigured ? .ready(.portal, keyID: nil) : .skipped(.portalNotConfigured))
            case .smime, .pgp: rungs.append(keyRung(method, keys(method)))
            }
        }
        return LadderPlan(rungs: rungs, otherwise: otherwise, portalConfigured: portalConfigured)
    }

    /// The ladder from a policy decision.
    public static func plan(decision: Decision, keys: (DeliveryMethod) -> KeyAvailability,
                            portalConfigured: Bool) -> LadderPlan {
        plan(methods: decision.methods, otherwise: decision.fallback, keys: keys, portalConfigured: portalConfigured)
    }

    static func keyRung(_ method: DeliveryMethod, _ key: KeyAvailability) -> LadderPlan.Rung {
        switch key {
        case .available(let id): return .ready(method, keyID: id)
        case .missing: return .skipped(.noKey(method))
        case .expired(let id, let on): return .skipped(.keyExpired(method, keyID: id, on: on))
        case .unusable(let reason): return .skipped(.keyUnusable(method, reason: reason))
        }
    }
}
