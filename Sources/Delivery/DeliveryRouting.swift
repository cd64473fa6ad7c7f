// DeliveryRouting: what MX delivery needs besides the settings: the resolver, the configured TLS
// level per destination domain, the MTA-STS client and the TLS observation store (with its ratchet).

import DNS
import MailCore
import TLSPolicy

public struct DeliveryRouting: Sendable {
    /// nil: MX delivery defers every recipient with 4.4.3 (no resolver configured).
    public var resolver: Resolver?
    public var tlsLevels: DomainTLSLevels
    public var mtaSTS: MTASTSClient?
    public var observations: TLSObservationStore?

    public init(resolver: Resolver?, tlsLevels: DomainTLSLevels = DomainTLSLevels(default: .may, domains: [:]),
                mtaSTS: MTASTSClient? = nil, observations: TLSObservationStore? = nil) {
        self.resolver = resolver; self.tlsLevels = tlsLevels; self.mtaSTS = mtaSTS; self.observations = observations
    }
}
