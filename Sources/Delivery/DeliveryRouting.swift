// DeliveryRouting: what MX delivery needs besides the settings: the resolver, the configured TLS
// level per destination domain, the MTA-STS client and the TLS observation store (with its ratchet).

import DNS
import Foundation
import MailCore
import TLSPolicy

public struct DeliveryRouting: Sendable {
    /// nil: MX delivery defers every recipient with 4.4.3 (no resolver configured).
    public var resolver: Resolver?
    /// Shared by every copy, so a reload's new levels reach deliveries already set up.
    private let levels: LiveTLSLevels
    public var tlsLevels: DomainTLSLevels { levels.current }
    public var mtaSTS: MTASTSClient?
    public var observations: (any TLSObservationStoring)?

    public init(resolver: Resolver?, tlsLevels: DomainTLSLevels = DomainTLSLevels(default: .may, domains: [:]),
                mtaSTS: MTASTSClient? = nil, observations: (any TLSObservationStoring)? = nil) {
        self.resolver = resolver; self.levels = LiveTLSLevels(tlsLevels); self.mtaSTS = mtaSTS; self.observations = observations
    }

    /// Reload: the next delivery uses these levels.
    public func replaceTLSLevels(_ new: DomainTLSLevels) { levels.replace(new) }
}

/// The configured TLS levels, swapped atomically on reload.
final class LiveTLSLevels: @unchecked Sendable {
    private let lock = NSLock()
    private var value: DomainTLSLevels

    init(_ value: DomainTLSLevels) { self.value = value }

    var current: DomainTLSLevels { lock.lock(); defer { lock.unlock() }; return value }

    func replace(_ new: DomainTLSLevels) { lock.lock(); value = new; lock.unlock() }
}
