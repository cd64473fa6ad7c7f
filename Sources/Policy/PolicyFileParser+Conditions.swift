// Parsing of `when:` (and each `any_of` alternative): every condition key, its value type and
// its patterns, regexes, networks and PHI types, each problem reported where it was written.
import MailCore
import Yams
import YAMLSyntax

extension PolicyFileParser {
    static let conditionKeys = ["sender", "recipient", "sender_domain", "recipient_domain", "authenticated",
                                "client_network", "tls_inbound", "header", "subject", "subject_tag", "size",
                                "attachment_name", "attachment_type", "phi", "uninspected", "any_of"]

    /// nil when anything in it was wrong (the rule is then dropped; the diagnostics say why).
    func parseConditions(_ node: Node, _ name: String) -> [PolicyCondition]? {
        let before = reader.diagnostics.count
        guard let entries = reader.mapping(node, name, what: "condition", allowed: Self.conditionKeys) else { return nil }
        var out: [PolicyCondition] = []
        for entry in entries { out += parseCondition(entry.key, entry.value) }
        return reader.diagnostics.count == before ? out : nil
    }

    private func parseCondition(_ key: String, _ node: Node) -> [PolicyCondition] {
        switch key {
        case "sender": return patterns(node, key, PolicyValueParsers.addressPattern).map { [.sender($0)] } ?? []
        case "recipient": return patterns(node, key, PolicyValueParsers.addressPattern).map { [.recipient($0)] } ?? []
        case "sender_domain": return patterns(node, key, PolicyValueParsers.domainPattern).map { [.senderDomain($0)] } ?? []
        case "recipient_domain": return patterns(node, key, PolicyValueParsers.domainPattern).map { [.recipientDomain($0)] } ?? []
        case "authenticated": return reader.bool(node, key).map { [.authenticated($0)] } ?? []
        case "tls_inbound": return reader.bool(node, key).map { [.tlsInbound($0)] } ?? []
        case "uninspected": return reader.bool(node, key).map { [.uninspected($0)] } ?? []
        case "client_network": return networks(node).map { [.clientNetwork($0)] } ?? []
        case "header": return headers(node)
        case "subject": return regex(node, key).map { [.subject($0)] } ?? []
        case "subject_tag": return reader.stringList(node, key).map { [.subjectTag($0.map { $0.text.lowercased() })] } ?? []
        case "size": return size(node).map { [$0] } ?? []
        case "attachment_name": return attachmentName(node).map { [.attachmentName($0)] } ?? []
        case "attachment_type": return mediaTypes(node).map { [.attachmentType($0)] } ?? []
        case "phi": return phi(node).map { [.phi($0)] } ?? []
        default: return anyOf(node).map { [.anyOf($0)] } ?? []
        }
    }

    /// Items are patterns, or `@name` list references.
    private func patterns(_ node: Node, _ key: String,
                          _ normalise: (String) -> Result<String, YAMLValueError>) -> PatternList? {
        guard let items = reader.stringList(node, key) else { return nil }
        var list = PatternList(inline: [], references: [])
        for item in items {
            if item.text.hasPrefix("@") {
                let name = String(item.text.dropFirst())
                guard PolicyFileParser.isListName(name) else {
                    reader.error("\(key): '\(item.text)' is not a list reference (@ followed by letters, digits, - or _)", at: item.node)
                    continue
                }
                list.references.append(ListReference(name: name, location: reader.location(of: item.node, file: reader.file)))
                continue
            }
            switch normalise(item.text) {
            case .success(let p): list.inline.append(p)
            case .failure(let e): reader.error("\(key): \(e.message)", at: item.node)
            }
        }
        return list
    }

    static func isListName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    private func networks(_ node: Node) -> [IPNetwork]? {
        guard let items = reader.stringList(node, "client_network") else { return nil }
        return items.compactMap { item in
            guard let network = IPNetwork(item.text) else {
                reader.error("client_network: '\(item.text)' is not a network in CIDR form (e.g. 192.0.2.0/24 or 2001:db8::/32)", at: item.node)
                return nil
            }
            return network
        }
    }

    func regex(_ node: Node, _ key: String) -> PolicyRegex? {
        guard let text = reader.string(node, key) else { return nil }
        switch PolicyRegex.compile(text) {
        case .success(let r): return r
        case .failure(let e): reader.error("\(key): \(e.message)", at: node); return nil
        }
    }

    private func headers(_ node: Node) -> [PolicyCondition] {
        guard let entries = reader.stringMapping(node, "header") else { return [] }
        return entries.compactMap { entry in
            guard PolicyValueParsers.isHeaderName(entry.key) else {
                reader.error("header: '\(entry.key)' is not a header field name", at: entry.keyNode)
                return nil
            }
            return regex(entry.valueNode, "header.\(entry.key)").map { .header(name: entry.key, $0) }
        }
    }

    private func size(_ node: Node) -> PolicyCondition? {
        guard let entries = reader.mapping(node, "size", what: "size key", allowed: ["over", "under"]) else { return nil }
        var bounds: [String: Int] = [:]
        for entry in entries {
            if let n = reader.byteSize(entry.value, "size.\(entry.key)") { bounds[entry.key] = n }
        }
        if entries.isEmpty { reader.error("size: give over:, under: or both", at: node) }
        if let over = bounds["over"], let under = bounds["under"], over >= under {
            reader.error("size: over (\(over)) must be less than under (\(under)), or nothing can match", at: node)
            return nil
        }
        return .size(over: bounds["over"], under: bounds["under"])
    }

    /// A string is a regex; a list holds globs (`*.exe`).
    private func attachmentName(_ node: Node) -> NameMatcher? {
        if case .scalar = node { return regex(node, "attachment_name").map(NameMatcher.regex) }
        guard let items = reader.stringList(node, "attachment_name") else { return nil }
        return .globs(items.map { $0.text.lowercased() })
    }

    private func mediaTypes(_ node: Node) -> [String]? {
        guard let items = reader.stringList(node, "attachment_type") else { return nil }
        return items.compactMap { item in
            switch PolicyValueParsers.mediaTypePattern(item.text) {
            case .success(let t): return t
            case .failure(let e): reader.error("attachment_type: \(e.message)", at: item.node); return nil
            }
        }
    }

    private func anyOf(_ node: Node) -> [[PolicyCondition]]? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            reader.error("any_of: expected a non-empty list of condition mappings, got \(reader.describe(node))", at: node)
            return nil
        }
        let alternatives = items.enumerated().compactMap { parseConditions($0.element, "any_of[\($0.offset)]") }
        return alternatives.count == items.count ? alternatives : nil
    }
}
