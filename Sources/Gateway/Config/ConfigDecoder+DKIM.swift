// Decoding `dkim:`: per sender domain a selector and its key file, and optionally a second
// selector and key (RSA next to Ed25519). Each key is loaded now, so check-config finds bad ones.
import DKIM
import MailCore
import Yams
import YAMLSyntax

/// One selector and the key file it signs with.
public struct DKIMSelectorConfig: Sendable, Equatable {
    public var selector: String
    public var keyPath: String
}

/// The signatures made for mail from one domain: one or two selectors, each with its key.
public struct DKIMDomainConfig: Sendable, Equatable {
    public var domain: String
    public var selectors: [DKIMSelectorConfig]
}

extension ConfigDecoder {
    /// `dkim: {domains: {example.org: {selector: s2026, key: certs/dkim/example.org.s2026.key}}}`.
    func decodeDKIM(_ node: Node) {
        guard let dkim = reader.section(node, name: "dkim", allowed: ConfigSchema.dkim), let n = dkim["domains"] else { return }
        guard case .mapping(let mapping) = n else {
            reader.error("dkim.domains: expected a mapping of domain: {selector, key}, got \(reader.describe(n))", at: n)
            return
        }
        var domains: [DKIMDomainConfig] = []
        for (keyNode, value) in mapping {
            guard let text = reader.string(keyNode, "dkim.domains") else { continue }
            guard let domain = DomainName(text) else {
                reader.error("dkim.domains: '\(text)' is not a domain name", at: keyNode)
                continue
            }
            let name = "dkim.domains.\(text)"
            guard let entry = reader.section(value, name: name, allowed: ConfigSchema.dkimDomain) else { continue }
            var selectors: [DKIMSelectorConfig] = []
            for (selectorKey, keyKey) in [("selector", "key"), ("second_selector", "second_key")] {
                if let s = selectorConfig(entry, name, selectorKey, keyKey, required: selectorKey == "selector", at: value) {
                    selectors.append(s)
                }
            }
            if selectors.count == 2 && selectors[0].selector == selectors[1].selector {
                reader.error("\(name).second_selector: must differ from selector", at: entry["second_selector"])
            }
            domains.append(DKIMDomainConfig(domain: domain.ascii, selectors: selectors))
        }
        config.dkimDomains = domains
    }

    /// Reads one selector and its key; both are required together. The key is loaded (and so
    /// checked: 0600, RSA of 2048 bits or more, or Ed25519) and reported at its `key:` value.
    private func selectorConfig(_ entry: YAMLMapping, _ name: String, _ selectorKey: String, _ keyKey: String,
                                required: Bool, at node: Node) -> DKIMSelectorConfig? {
        let selectorNode = entry[selectorKey], keyNode = entry[keyKey]
        guard selectorNode != nil || keyNode != nil || required else { return nil }
        guard let selectorNode, let keyNode else {
            reader.error("\(name): \(selectorKey) and \(keyKey) go together; give both", at: selectorNode ?? keyNode ?? node)
            return nil
        }
        guard let selector = reader.string(selectorNode, "\(name).\(selectorKey)"),
              let keyText = reader.string(keyNode, "\(name).\(keyKey)") else { return nil }
        guard DKIMSigner.isValidSelector(selector) else {
            reader.error("\(name).\(selectorKey): '\(selector)' is not a selector (letters, digits, hyphens, dots)", at: selectorNode)
            return nil
        }
        let path = resolve(keyText)
        do {
            _ = try DKIMKey.load(pemFile: path)
        } catch {
            reader.error("\(name).\(keyKey): \(error)", at: keyNode)
            return nil
        }
        return DKIMSelectorConfig(selector: selector.lowercased(), keyPath: path)
    }
}
