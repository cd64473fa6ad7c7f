// DomainTLSLevels: the configured TLS level per destination domain, with a global default
// (`delivery.tls: {default: may, domains: {partner.example: verify, "*.gov": dane}}`).

import MailCore

public struct DomainTLSLevels: Sendable, Equatable {
    public let defaultLevel: TLSLevel
    /// Exact names, normalised.
    private let exact: [String: TLSLevel]
    /// Wildcards as their suffix including the leading dot (`*.gov` -> `.gov`), longest first.
    private let wildcards: [(suffix: String, level: TLSLevel)]

    public init(default defaultLevel: TLSLevel, domains: [String: TLSLevel]) {
        self.defaultLevel = defaultLevel
        var exact: [String: TLSLevel] = [:]
        var wildcards: [(suffix: String, level: TLSLevel)] = []
        for (key, level) in domains {
            let name = key.normalizedDomain
            if name.hasPrefix("*.") && name.count > 2 {
                wildcards.append((String(name.dropFirst()), level))
            } else {
                exact[name] = level
            }
        }
        self.exact = exact
        self.wildcards = wildcards.sorted { $0.suffix.count != $1.suffix.count ? $0.suffix.count > $1.suffix.count : $0.suffix < $1.suffix }
    }

    /// The level for `domain`: an exact entry, else the longest wildcard that covers it, else the default.
    /// `*.gov` covers `a.gov` and `a.b.gov`, never `gov` itself.
    public func level(for domain: String) -> TLSLevel {
        let name = domain.normalizedDomain
        if let level = exact[name] { return level }
        for w in wildcards where name.hasSuffix(w.suffix) && name.count > w.suffix.count {
            return w.level
        }
        return defaultLevel
    }

    public static func == (a: DomainTLSLevels, b: DomainTLSLevels) -> Bool {
        a.defaultLevel == b.defaultLevel && a.exact == b.exact
            && a.wildcards.map(\.suffix) == b.wildcards.map(\.suffix) && a.wildcards.map(\.level) == b.wildcards.map(\.level)
    }
}
