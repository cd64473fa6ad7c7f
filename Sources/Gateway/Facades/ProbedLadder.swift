// ProbedLadder: one recipient's method ladder for `policy explain --probe`: the `tls` rung as
// measured live and the method the ladder would choose, as explain's text lines and JSON fields.

import Delivery
import MailCore

struct ProbedLadder {
    let plan: LadderPlan
    /// nil when the ladder needs no TLS measurement (a key rung comes first, or there is no `tls` rung).
    let rung: MeasuredTLSRung?

    /// What the ladder chooses: before any connection, or with the measured outcome; nil when the
    /// `tls` rung had to be measured and could not be (delivery would defer and retry).
    var choice: MethodChoice? {
        guard let rung else { return plan.beforeConnect }
        return rung.outcome.map(plan.afterTLS(outcome:))
    }

    /// The ladder's rungs with `tls` as measured.
    var ladderLines: [String] { rung.map { plan.explainLines(tls: $0.line) } ?? plan.explainLines }

    /// Explain's lines after the trace: `ladder:` and `choice:`.
    var textLines: [String] {
        ["ladder: " + ladderLines.joined(separator: "; "),
         "choice: " + (choice?.line ?? "none yet: the tls rung could not be measured, delivery would retry")]
    }

    var json: JSON { JSON(tlsMeasured: rung.map(Measured.init), choice: choice.map(Choice.init)) }

    /// The fields added to the recipient's JSON object (snake_case: `tls_measured`, `choice`).
    struct JSON: Encodable {
        var tlsMeasured: Measured?
        var choice: Choice?
    }

    struct Skip: Encodable {
        var code: String
        var reason: String
        init(_ skip: RungSkip) { code = skip.code; reason = skip.description }
    }

    /// The measured `tls` rung: the MX it was judged by, what it showed, and the verdict.
    struct Measured: Encodable {
        var domain: String
        var host: String?
        var requirement: String?
        /// "negotiated", "no-starttls", "handshake-failed", "hop-unusable", "not-attempted".
        var measured: String?
        var version: String?
        var cipher: String?
        /// "OK", "FAIL", "NONE" (as `sealgate probe` and the audit record say it).
        var verify: String?
        var trust: String?
        var verifyReason: String?
        var meetsRequirement: Bool?
        var skip: Skip?
        var failure: String?
        var line: String

        init(_ rung: MeasuredTLSRung) {
            domain = rung.domain; failure = rung.failure; line = rung.line
            guard let outcome = rung.outcome else { return }
            host = outcome.host
            meetsRequirement = outcome.meetsRequirement
            skip = outcome.unmet.map(Skip.init)
            switch outcome.measured {
            case .notAttempted: measured = "not-attempted"
            case .noSTARTTLS: measured = "no-starttls"
            case .handshakeFailed: measured = "handshake-failed"
            case .hopUnusable: measured = "hop-unusable"
            case .negotiated(let facts):
                measured = "negotiated"
                version = facts.version; cipher = facts.cipher; verify = facts.verification.word
                switch facts.verification {
                case .verified(let source): trust = source.rawValue
                case .failed(let reason): verifyReason = reason
                case .none: break
                }
            }
            // A hop that could not be planned has no requirement of its own.
            if case .hopUnusable = outcome.measured {} else { requirement = outcome.requirement.description }
        }
    }

    /// The ladder's choice: the method, or none and the `otherwise` outcome, and each rung skipped.
    struct Choice: Encodable {
        var method: String?
        /// "method" (`method` is set), or, when `otherwise` decided with no method, "deferred" or "bounced".
        var outcome: String
        var fallback: String?
        var skipped: [Skip]
        var line: String

        init(_ choice: MethodChoice) {
            method = choice.method?.rawValue
            switch choice.outcome {
            case .method: outcome = "method"
            case .deferred: outcome = "deferred"
            case .bounced: outcome = "bounced"
            }
            fallback = choice.fallback?.rawValue
            skipped = choice.skips.map(Skip.init)
            line = choice.line
        }
    }
}
