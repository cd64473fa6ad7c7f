// PolicyFacade: the policy folder as `sealgate policy check|explain`, `check-config` and `serve`
// see it: loading with every diagnostic rendered, and the per-recipient decision trace of a message.

import MailCore
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
    /// (the JSON form ends with a newline, the text form already does).
    public func explain(message: [UInt8], envelope: ExplainEnvelope, authenticatedUser: String?, clientIP: String?,
                        overTLS: Bool, scanner: ScanFacade, json: Bool) -> String {
        let scan = scanner.scan(message).result
        let facts = MessageFacts(sender: envelope.sender, recipients: envelope.recipients, authenticatedUser: authenticatedUser,
                                 clientAddress: clientIP.flatMap(IPAddress.init), receivedOverTLS: overTLS,
                                 headers: scan.headers, size: message.count, attachments: scan.attachments,
                                 findings: scan.findings, uninspected: scan.uninspected)
        let verdicts = PolicyEvaluator(policy: policy).evaluate(facts)
        return json ? PolicyTraceRenderer.json(verdicts) + "\n" : PolicyTraceRenderer.text(verdicts)
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
