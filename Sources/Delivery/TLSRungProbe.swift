// TLSRungProbe: `policy explain --probe`: the ladder's `tls` rung measured live for recipients, one
// DestinationProbe run per destination domain and TLS floor (STARTTLS and the certificate checks, never MAIL).

import MailCore

/// What the probe found for one recipient's `tls` rung.
public struct MeasuredTLSRung: Sendable {
    /// The recipient domain probed (A-label form, or the address literal).
    public var domain: String
    /// What the ladder is judged by. Delivery tries the MX hosts in order and uses the first that
    /// meets the requirement, so: that one, else the last one measured (`LadderPlan.afterTLS`).
    public var outcome: TLSOutcome?
    /// Why nothing about TLS could be measured (the MX lookup failed, no MX answered EHLO); nil
    /// when `outcome` is set. Delivery would defer and retry: no rung is skipped for this.
    public var failure: String?

    public init(domain: String, outcome: TLSOutcome?, failure: String?) {
        self.domain = domain; self.outcome = outcome; self.failure = failure
    }

    /// The rung's line: the outcome's (`TLSOutcome.explainLine`), or "tls: not measured (…)".
    public var line: String {
        outcome?.explainLine ?? "tls: not measured (\(domain): \(failure ?? "nothing measured"))"
    }
}

public struct TLSRungProbe: Sendable {
    let probe: DestinationProbe

    public init(probe: DestinationProbe) { self.probe = probe }

    /// One result per recipient, in order; recipients that share a domain and a floor share one
    /// probe. Each floor is the recipient's `decision` as RecipientGrouping applies it in delivery,
    /// with `message` read for `TLS-Required: No` (RFC 8689 §5: honoured only when policy asks no
    /// TLS of the recipient). No REQUIRETLS: that is a MAIL parameter, not known before submission.
    public func measure(_ recipients: [(address: MailAddress, decision: Decision)], message: [UInt8]) async -> [MeasuredTLSRung] {
        let tlsRequiredNo = TLSRequiredHeader.saysNo(message)
        var probed: [Key: MeasuredTLSRung] = [:]
        var out: [MeasuredTLSRung] = []
        for recipient in recipients {
            let floor = RecipientGrouping.tlsFloor(decision: recipient.decision, requireTLS: false, tlsRequiredNo: tlsRequiredNo)
            let key = Key(domain: RecipientGrouping.domainKey(recipient.address.domain), floor: floor)
            if let seen = probed[key] {
                out.append(seen)
                continue
            }
            let rung = Self.rung(await probe.probe(recipient.address.domain, floor: floor))
            probed[key] = rung
            out.append(rung)
        }
        return out
    }

    static func rung(_ probed: (report: ProbeReport, outcomes: [TLSOutcome?])) -> MeasuredTLSRung {
        let measured = probed.outcomes.compactMap { $0 }
        let outcome = measured.first(where: \.meetsRequirement) ?? measured.last
        return MeasuredTLSRung(domain: probed.report.domain, outcome: outcome,
                               failure: outcome == nil ? notMeasured(probed.report) : nil)
    }

    /// Why no MX gave a TLS measurement, from the report: the MX failure, else each host's.
    static func notMeasured(_ report: ProbeReport) -> String {
        if let failure = report.mxFailure { return "MX lookup: \(failure)" }
        let hosts = report.hosts.map { "\($0.host): \($0.addressFailure ?? $0.starttls?.failure ?? "no address")" }
        return hosts.isEmpty ? "no MX host" : hosts.joined(separator: "; ")
    }

    private struct Key: Hashable {
        var domain: String
        var floor: TLSFloor
    }
}
