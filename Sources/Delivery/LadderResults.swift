// LadderResults: the reports the method ladder adds or changes: when a recipient's hops all fell
// short of TLS, its attempts superseded, the method named on each result, and the ends it writes itself.

import Foundation
import MailCore

enum LadderResults {
    /// The shortfall that moves `index` off the `tls` rung, with the deciding result: when no
    /// attempt for it was delivered, at least one fell short of TLS, and every other one never
    /// reached a server (DNS, connect): no hop met the requirement.
    static func shortfall(of index: Int, in reports: [AttemptReport]) -> (TLSOutcome, RecipientResult)? {
        let theirs = reports.filter { $0.results.contains { $0.index == index } }
        guard let outcome = theirs.last(where: { $0.tlsShortfall != nil })?.tlsShortfall,
              theirs.allSatisfy({ $0.tlsShortfall != nil || $0.relayIP == nil }),
              let deciding = theirs.last(where: { !$0.superseded })?.results.first(where: { $0.index == index }),
              deciding.outcome != .delivered else { return nil }
        return (outcome, deciding)
    }

    /// The results of `moving` recipients taken out of their deciding reports into superseded
    /// copies: they stay in the audit as attempts, and the next rung decides their state.
    static func supersede(_ reports: [AttemptReport], moving: Set<Int>) -> [AttemptReport] {
        guard !moving.isEmpty else { return reports }
        return reports.flatMap { report -> [AttemptReport] in
            guard !report.superseded, report.results.contains(where: { moving.contains($0.index) }) else { return [report] }
            var kept = report, moved = report
            kept.results = report.results.filter { !moving.contains($0.index) }
            moved.results = report.results.filter { moving.contains($0.index) }
            moved.superseded = true
            return kept.results.isEmpty ? [moved] : [kept, moved]
        }
    }

    /// Names the method on every result `choice` answers for (and the encryption, for a key rung's copy).
    static func annotate(_ report: AttemptReport, encryption: EncryptionFacts? = nil,
                         choice: (Int) -> MethodChoice?) -> AttemptReport {
        var r = report
        r.results = report.results.map { result in
            var x = result
            if let c = choice(result.index) { x.choice = c }
            if let encryption { x.encryption = encryption }
            return x
        }
        return r
    }

    /// `otherwise` ended the ladder (defer, bounce, or a portal that is not configured). The
    /// status keeps the `tls` attempt's detail when there was one (4.7.4 no STARTTLS, 4.7.5 the
    /// facts), else 4.7.4 "security features not supported"; a bounce is its permanent form.
    static func ended(envelope: Envelope, index: Int, choice: MethodChoice, tls: RecipientResult?) -> AttemptReport {
        let spec = envelope.recipients[index]
        let base = tls?.status ?? EnhancedStatus(4, 7, 4)
        let bounced = choice.outcome == .bounced
        let status = EnhancedStatus(bounced ? 5 : 4, base.subject, base.detail)
        var result = RecipientResult(index: index, recipient: spec, outcome: bounced ? .bounced : .deferred, reply: nil,
                                     status: status, reason: choice.failureReason ?? "no allowed delivery method")
        result.choice = choice
        var report = AttemptReport(relayHost: domain(of: spec), relayIP: nil, relayPort: 0, tls: nil, results: [result])
        report.notes = ["method ladder: no allowed method was usable"]
        return report
    }

    /// The portal rung's result: delivered when the sink took the copy, else deferred with why.
    static func portal(envelope: Envelope, index: Int, choice: MethodChoice, error: String?) -> AttemptReport {
        let spec = envelope.recipients[index]
        var result: RecipientResult
        if let error {
            result = RecipientResult(index: index, recipient: spec, outcome: .deferred, reply: nil,
                                     status: EnhancedStatus(4, 3, 0), reason: "portal: \(error)")
        } else {
            result = RecipientResult(index: index, recipient: spec, outcome: .delivered, reply: nil,
                                     status: EnhancedStatus(2, 0, 0), reason: "stored on the portal for secure pickup")
        }
        result.choice = choice
        return AttemptReport(relayHost: "portal", relayIP: nil, relayPort: 0, tls: nil, results: [result])
    }

    private static func domain(of spec: RecipientSpec) -> String {
        if case .name(let d) = spec.address.domain { return d.ascii }
        return spec.address.domain.description
    }
}
