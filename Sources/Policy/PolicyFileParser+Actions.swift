// Parsing of a rule's main action (deliver, reject, quarantine, hold) and of its modifiers
// (add_header, strip_subject_tag, notify_sender), with TLS levels and methods validated.
import Foundation
import MailCore
import Yams
import YAMLSyntax

extension PolicyFileParser {
    func parseAction(_ key: String, _ node: Node) -> PolicyAction? {
        switch key {
        case "deliver": return deliver(node).map(PolicyAction.deliver)
        case "reject":
            guard let text = reader.string(node, "reject") else { return nil }
            switch PolicyValueParsers.rejectReply(text) {
            case .success(let reply): return .reject(reply)
            case .failure(let e): reader.error("reject: \(e.message)", at: node); return nil
            }
        default:
            guard let on = reader.bool(node, key) else { return nil }
            guard on else {
                reader.error("\(key): only 'true' has a meaning here; pick another action instead of '\(key): false'", at: node)
                return nil
            }
            return key == "hold" ? .hold : .quarantine
        }
    }

    private func deliver(_ node: Node) -> DeliverAction? {
        if case .scalar = node {
            guard let on = reader.bool(node, "deliver"), on else {
                if case .scalar(let s) = node, Bool.construct(from: s) == false {
                    reader.error("deliver: 'false' is not an action; use reject, quarantine or hold", at: node)
                }
                return nil
            }
            return DeliverAction()
        }
        let allowed = ["tls", "min_tls", "methods", "otherwise", "protect_subject", "subject_text", "portal"]
        guard let entries = reader.mapping(node, "deliver", what: "deliver key", allowed: allowed) else { return nil }
        var action = DeliverAction()
        for entry in entries {
            switch entry.key {
            case "tls": action.tls = choice(entry.value, "deliver.tls", TLSLevel.self, what: "TLS level")
            case "min_tls":
                guard let text = reader.string(entry.value, "deliver.min_tls") else { continue }
                switch PolicyValueParsers.tlsVersion(text) {
                case .success(let v): action.minimumTLS = v
                case .failure(let e): reader.error("deliver.min_tls: \(e.message)", at: entry.value)
                }
            case "methods": action.methods = methods(entry.value) ?? action.methods
            case "protect_subject": action.protectSubject = reader.bool(entry.value, "deliver.protect_subject") ?? false
            case "subject_text": action.subjectText = subjectText(entry.value) ?? action.subjectText
            case "portal": action.portal = portalOptions(entry.value)
            default: action.otherwise = choice(entry.value, "deliver.otherwise", FallbackAction.self, what: "fallback") ?? .defer
            }
        }
        if action.tls == TLSLevel.none, action.minimumTLS != nil {
            reader.error("deliver: 'tls: none' contradicts 'min_tls'; a minimum version needs encryption", at: node)
        }
        return action
    }

    /// `portal: {expiry: 14d, notice_subject: false, sender_copy: true, read_receipt: false}`: how the
    /// portal rung keeps this rule's mail. Expiry from 1 minute to 365 days (30 days when absent).
    private func portalOptions(_ node: Node) -> PortalOptions? {
        let allowed = ["expiry", "notice_subject", "sender_copy", "read_receipt"]
        guard let entries = reader.mapping(node, "deliver.portal", what: "deliver.portal key", allowed: allowed) else { return nil }
        var options = PortalOptions()
        for entry in entries {
            let name = "deliver.portal.\(entry.key)"
            switch entry.key {
            case "expiry":
                guard let seconds = reader.duration(entry.value, name) else { continue }
                guard (60...365 * 86400).contains(seconds) else {
                    reader.error("\(name): must be from 1m to 365d", at: entry.value)
                    continue
                }
                options.expiry = seconds
            case "notice_subject": options.noticeSubject = reader.bool(entry.value, name) ?? false
            case "sender_copy": options.senderCopy = reader.bool(entry.value, name) ?? false
            default: options.readReceipt = reader.bool(entry.value, name) ?? false
            }
        }
        return options
    }

    /// The neutral outer Subject: one line of printable ASCII, at most 200 characters.
    private func subjectText(_ node: Node) -> String? {
        guard let text = reader.string(node, "deliver.subject_text") else { return nil }
        let scalars = text.unicodeScalars
        if scalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
            reader.error("deliver.subject_text: must not contain control characters (line breaks, tabs, ...)", at: node)
            return nil
        }
        if !scalars.allSatisfy(\.isASCII) {
            reader.error("deliver.subject_text: must be plain ASCII; the outer Subject is not encoded", at: node)
            return nil
        }
        if text.count > 200 {
            reader.error("deliver.subject_text: \(text.count) characters is too long; at most 200", at: node)
            return nil
        }
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            reader.error("deliver.subject_text: must not be blank", at: node)
            return nil
        }
        return text
    }

    private func methods(_ node: Node) -> [DeliveryMethod]? {
        guard let items = reader.stringList(node, "deliver.methods") else { return nil }
        var out: [DeliveryMethod] = []
        for item in items {
            guard let m = choice(item.node, "deliver.methods", DeliveryMethod.self, what: "method") else { continue }
            if out.contains(m) { reader.error("deliver.methods: '\(m.rawValue)' is listed twice", at: item.node); continue }
            out.append(m)
        }
        return out
    }

    /// An enum value by its raw name, with "did you mean" and the allowed names on a miss.
    func choice<E: RawRepresentable & CaseIterable>(_ node: Node, _ name: String, _ type: E.Type, what: String) -> E?
        where E.RawValue == String {
        guard let text = reader.string(node, name) else { return nil }
        if let value = E(rawValue: text.lowercased()) { return value }
        let allowed = E.allCases.map(\.rawValue)
        var message = "\(name): unknown \(what) '\(text)'"
        if let guess = NameSuggestion.closest(to: text, among: allowed) { message += "; did you mean '\(guess)'?" }
        reader.error(message + " (expected one of: \(allowed.joined(separator: ", ")))", at: node)
        return nil
    }

    func parseModifier(_ key: String, _ node: Node, into modifiers: inout PolicyModifiers) {
        switch key {
        case "add_header":
            for entry in reader.stringMapping(node, "add_header") ?? [] {
                guard PolicyValueParsers.isHeaderName(entry.key) else {
                    reader.error("add_header: '\(entry.key)' is not a header field name", at: entry.keyNode)
                    continue
                }
                guard !entry.value.contains("\n"), !entry.value.contains("\r") else {
                    reader.error("add_header.\(entry.key): the value must be one line", at: entry.valueNode)
                    continue
                }
                modifiers.addHeaders.append(HeaderField(name: entry.key, value: entry.value))
            }
        case "strip_subject_tag":
            modifiers.stripSubjectTags = reader.stringList(node, key)?.map(\.text) ?? []
        default:
            modifiers.notifySender = reader.bool(node, key) ?? false
        }
    }
}
