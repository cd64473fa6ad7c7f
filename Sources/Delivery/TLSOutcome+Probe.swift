// TLSOutcome from a probe: what one ProbeSession learnt at an MX, named the way the delivery loop
// names it for the ladder's `tls` rung (no STARTTLS, a failed handshake, the negotiated facts).

extension TLSOutcome {
    /// nil when the session learnt nothing about TLS (no connection, no greeting, no EHLO): delivery
    /// would move on to the next host or retry, which is not a reason to skip the `tls` rung.
    static func measurement(policy: HopTLSPolicy, session: ProbeSession.Result) -> Measurement? {
        guard let offered = session.tls.offered else { return nil }
        // Level `none`: delivery never says STARTTLS, whatever the probe saw.
        guard policy.attempt else { return .notAttempted }
        guard offered else { return .noSTARTTLS }
        if let facts = session.facts { return .negotiated(facts) }
        return .handshakeFailed(reason: session.tls.failure ?? "no TLS client context")
    }
}
