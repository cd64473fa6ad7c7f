// Renders verdicts for `sealgate policy explain`: readable text, or JSON with sorted keys.
// Both show finding types and counts only, never samples.
import Foundation
import MailCore
import YAMLSyntax

public enum PolicyTraceRenderer {
    /// `extra` gives lines to print after a recipient's trace (indented like its requirement line).
    public static func text(_ verdicts: [RecipientVerdict], extra: (RecipientVerdict) -> [String] = { _ in [] }) -> String {
        guard let first = verdicts.first?.trace else { return "No recipients.\n" }
        var out = "Findings: " + findings(first) + "\n"
        for verdict in verdicts {
            let t = verdict.trace
            out += "\nRecipient \(verdict.recipient)\n"
            if t.steps.isEmpty { out += "  (no rules)\n" }
            for (index, step) in t.steps.enumerated() {
                out += "  \(index + 1). \(step.location) \(step.rule): \(step.outcome.rawValue): \(step.reason)\n"
            }
            out += "  => \(t.action), by \(t.matchedRule ?? "the built-in default (no rule matched)")\n"
            out += "     requirement: \(t.requirement)\n"
            if !t.methods.isEmpty {
                out += "     methods: \(t.methods.joined(separator: ", ")); otherwise \(t.fallback ?? "defer")\n"
            }
            if t.protectSubject, let outer = t.outerSubject {
                out += "     protect_subject: yes (outer Subject: \(outer))\n"
            }
            if let portal = t.portal { out += "     portal: \(portalOptions(portal))\n" }
            let d = verdict.decision
            if !d.addHeaders.isEmpty { out += "     add headers: \(d.addHeaders.map { "\($0.name): \($0.value)" }.joined(separator: "; "))\n" }
            if !d.stripSubjectTags.isEmpty { out += "     strip subject tags: \(d.stripSubjectTags.joined(separator: ", "))\n" }
            if d.notifySender { out += "     notify sender: yes\n" }
            for line in extra(verdict) { out += "     \(line)\n" }
        }
        return out
    }

    /// `expiry 14d, notice subject no, sender copy yes, read receipt no`.
    static func portalOptions(_ p: PortalOptions) -> String {
        func yesNo(_ on: Bool) -> String { on ? "yes" : "no" }
        let expiry = p.expiry.map { DurationSyntax.format($0) } ?? "the portal's default (30d)"
        return "expiry \(expiry), notice subject \(yesNo(p.noticeSubject)), sender copy \(yesNo(p.senderCopy)), "
            + "read receipt \(yesNo(p.readReceipt))"
    }

    static func findings(_ t: PolicyTrace) -> String {
        let counts = t.findingsSummary.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        var text = counts.isEmpty ? "none" : counts.joined(separator: ", ") + " (score \(PolicyFormat.score(t.score)))"
        text += t.uninspected == 0 ? "; every part inspected" : "; \(t.uninspected) part(s) not inspected"
        return text
    }

    /// `ladder` gives a recipient's method ladder lines, shown as `ladder` when not nil.
    public static func json(_ verdicts: [RecipientVerdict], ladder: (RecipientVerdict) -> [String]? = { _ in nil }) -> String {
        json(verdicts, ladder: ladder, extra: { _ in nil as NoExtra? })
    }

    /// The same, with `extra`'s fields (when not nil) added to the recipient's object beside `ladder`.
    public static func json<Extra: Encodable>(_ verdicts: [RecipientVerdict], ladder: (RecipientVerdict) -> [String]?,
                                              extra: (RecipientVerdict) -> Extra?) -> String {
        let entries = verdicts.map {
            TraceEntry(recipient: $0.recipient.description, decisionRule: $0.decision.trace.rule, trace: $0.trace, ladder: ladder($0),
                  extra: extra($0))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(["recipients": entries]), let text = String(data: data, encoding: .utf8) else {
            return "{\"recipients\":[]}"
        }
        return text
    }

    private struct NoExtra: Encodable {}
}

/// One recipient's object in explain's JSON; `extra`'s fields sit beside the others.
private struct TraceEntry<Extra: Encodable>: Encodable {
    var recipient: String
    var decisionRule: String
    var trace: PolicyTrace
    var ladder: [String]?
    var extra: Extra?

    enum CodingKeys: String, CodingKey { case recipient, decisionRule, trace, ladder }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(recipient, forKey: .recipient)
        try c.encode(decisionRule, forKey: .decisionRule)
        try c.encode(trace, forKey: .trace)
        try c.encodeIfPresent(ladder, forKey: .ladder)
        try extra?.encode(to: encoder)
    }
}
