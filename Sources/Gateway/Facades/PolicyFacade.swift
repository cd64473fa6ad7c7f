// PolicyFacade: the policy folder as `sealgate policy check|explain`, `check-config` and `serve`
// see it: loading with every diagnostic rendered, and the per-recipient decision trace of a message.

import Delivery
import Foundation
import MailCore
import MessageCrypto
import Policy

public struct PolicyFacade {
    let policy: PolicySet

    public var ruleCount: Int { policy.rules.count }
    public var fileCount: Int { policy.files.count }

    /// Loads `directory`. `policy` is nil when a diagnostic is an error (the policy would not be applied).
    public static func load(directory: String) -> (policy: PolicyFacade?, diagnostics: [String]) {
        let loaded = PolicyLoader.load(directory: directory)
        return (loaded.policy.map(PolicyFacade.init), loaded.diagnostics.map { "\($0)" })
    }

    public static func isIPAddress(_ text: String) -> Bool { IPAddress(text) != nil }

    /// The trace for `message` from `envelope`'s sender to each recipient, ready to print as is
    /// (the JSON form ends with a newline, the text form already does). With `keysDirectory`, each
    /// recipient delivered to also gets its method ladder as far as the key store decides it at `now`
    /// (a `ladder:` line after its trace, `ladder` in JSON); `tls` stays decided at connect time.
    /// `portalConfigured`: whether the config has a `portal:` section (else the rung reads "not configured").
    public func explain(message: [UInt8], envelope: ExplainEnvelope, authenticatedUser: String?, clientIP: String?,
                        overTLS: Bool, scanner: ScanFacade, json: Bool, keysDirectory: String? = nil,
                        now: Date = Date(), portalConfigured: Bool = false) -> String {
        let verdicts = evaluate(message: message, envelope: envelope, authenticatedUser: authenticatedUser, clientIP: clientIP,
                                overTLS: overTLS, scanner: scanner)
        let store = keysDirectory.map(RecipientKeyStore.init(directory:))
        let lines = { (verdict: RecipientVerdict) in store.flatMap { Self.plan(verdict, store: $0, now: now, portalConfigured: portalConfigured)?.explainLines }
        }
        if json { return PolicyTraceRenderer.json(verdicts, ladder: lines) + "\n" }
        return PolicyTraceRenderer.text(verdicts) { lines($0).map { ["ladder: " + $0.joined(separator: "; ")] } ?? [] }
    }

    /// Scans `message` and evaluates the policy for each of `envelope`'s recipients.
    func evaluate(message: [UInt8], envelope: ExplainEnvelope, authenticatedUser: String?, clientIP: String?, overTLS: Bool,
                  scanner: ScanFacade) -> [RecipientVerdict] {
        let scan = scanner.scan(message).result
        let facts = MessageFacts(sender: envelope.sender, recipients: envelope.recipients, authenticatedUser: authenticatedUser,
                                 clientAddress: clientIP.flatMap(IPAddress.init), receivedOverTLS: overTLS,
                                 headers: scan.headers, size: message.count, attachments: scan.attachments,
                                 findings: scan.findings, uninspected: scan.uninspected)
        return PolicyEvaluator(policy: policy).evaluate(facts)
    }

    /// The ladder of a recipient delivered to; nil for reject, quarantine and hold.
    static func plan(_ verdict: RecipientVerdict, store: RecipientKeyStore, now: Date, portalConfigured: Bool) -> LadderPlan? {
        guard case .deliver = verdict.decision.action else { return nil }
        return MethodLadder.plan(decision: verdict.decision, keys: { method in
            KeyStoreAvailability.availability(store, address: verdict.recipient, method: method, now: now)
        }, portalConfigured: portalConfigured)
    }
}

/// The envelope `sealgate policy explain` evaluates: a sender ("<>" or "" is the null sender) and recipients.
public struct ExplainEnvelope {
    let sender: MailAddress?
    let recipients: [MailAddress]

    /// Throws `InvalidInput` naming the option (`--from`, `--to`) of the first address that does not parse.
    public init(from: String, to: [String]) throws {
        sender = try Self.address(from, option: "--from", allowNull: true)
        recipients = try to.compactMap { try Self.address($0, option: "--to", allowNull: false) }
    }

    private static func address(_ text: String, option: String, allowNull: Bool) throws -> MailAddress? {
        let bare = text.hasPrefix("<") && text.hasSuffix(">") ? String(text.dropFirst().dropLast()) : text
        if bare.isEmpty && allowNull { return nil }
        do { return try MailAddressParser.parse(bare, allowUTF8: true) } catch {
            throw InvalidInput("\(option): '\(text)' is not an address (\(error))")
        }
    }
}
