// Decoding `smime:` and `pgp:`: the organisation's signing keys per sender domain and the S/MIME
// cipher per recipient domain. Each key is loaded and checked now, so check-config finds bad ones.
import MailCore
import MessageCrypto
import Yams
import YAMLSyntax

/// The S/MIME certificate, private key and optional intermediates one sender domain signs with.
public struct SMIMESigningConfig: Sendable, Equatable {
    public var domain: String
    public var certificatePath: String
    public var keyPath: String
    public var chainPath: String?
}

/// The OpenPGP secret key one sender domain signs with.
public struct PGPSigningConfig: Sendable, Equatable {
    public var domain: String
    public var keyPath: String
}

extension ConfigDecoder {
    /// `smime: {signing: {example.org: {certificate: …, key: …, chain: …}}, ciphers: {partner.example: aes-256-gcm}}`.
    func decodeSMIME(_ node: Node) {
        guard let smime = reader.section(node, name: "smime", allowed: ConfigSchema.smime) else { return }
        if let n = smime["signing"] {
            config.smimeSigning = domainEntries(n, "smime.signing", allowed: ConfigSchema.smimeSigning) { domain, name, entry, at in
                let cert = requiredPath(entry, name, "certificate", at: at), key = requiredPath(entry, name, "key", at: at)
                guard let cert, let key else { return nil }
                var chain: String?
                if let n = entry["chain"], let text = reader.string(n, "\(name).chain") { chain = resolve(text) }
                let signing = SMIMESigningConfig(domain: domain, certificatePath: cert, keyPath: key, chainPath: chain)
                do {
                    let identity = try SigningKeyFiles.smime(signing)
                    if let problem = identity.validityProblem(at: now) {
                        reader.error("\(name).certificate: \(cert): \(problem)", at: entry["certificate"])
                        return nil
                    }
                } catch let refusal as SigningFileRefusal {
                    reader.error("\(name).\(refusal.field): \(refusal.reason)", at: entry[refusal.field])
                    return nil
                } catch {
                    reader.error("\(name): \(error)", at: at)
                    return nil
                }
                return signing
            }
        }
        if let n = smime["ciphers"] { decodeDomainCiphers(n) }
    }

    /// `pgp: {signing: {example.org: {key: certs/pgp/example.org.sec.asc}}}`.
    func decodePGP(_ node: Node) {
        guard let pgp = reader.section(node, name: "pgp", allowed: ConfigSchema.pgp), let n = pgp["signing"] else { return }
        config.pgpSigning = domainEntries(n, "pgp.signing", allowed: ConfigSchema.pgpSigning) { domain, name, entry, at in
            guard let key = requiredPath(entry, name, "key", at: at) else { return nil }
            let signing = PGPSigningConfig(domain: domain, keyPath: key)
            do {
                let loaded = try SigningKeyFiles.pgp(signing)
                if let problem = loaded.validityProblem(at: now) {
                    reader.error("\(name).key: \(key): key \(loaded.fingerprint) \(problem)", at: entry["key"])
                    return nil
                }
            } catch {
                reader.error("\(name).key: \(error)", at: entry["key"])
                return nil
            }
            return signing
        }
    }

    /// `smime.ciphers`: recipient domain to content cipher (a key's own `--cipher` still wins).
    private func decodeDomainCiphers(_ node: Node) {
        guard case .mapping(let mapping) = node else {
            reader.error("smime.ciphers: expected a mapping of domain: cipher, got \(reader.describe(node))", at: node)
            return
        }
        let known = SMIMECipher.allCases.map(\.rawValue)
        for (keyNode, value) in mapping {
            guard let text = reader.string(keyNode, "smime.ciphers"), let domain = domainName(text, "smime.ciphers", at: keyNode),
                  let cipherText = reader.string(value, "smime.ciphers.\(text)") else { continue }
            guard let cipher = SMIMECipher(rawValue: cipherText.lowercased()) else {
                var message = "smime.ciphers.\(text): unknown cipher '\(cipherText)'; expected one of: \(known.joined(separator: ", "))"
                if let guess = NameSuggestion.closest(to: cipherText.lowercased(), among: known) { message += "; did you mean '\(guess)'?" }
                reader.error(message, at: value)
                continue
            }
            config.smimeDomainCiphers[domain] = cipher
        }
    }

    /// A mapping of sender domain to a section with `allowed` keys; `entry` turns each into a value
    /// (nil when it reported a problem). Domains are kept as lower-case A-labels.
    private func domainEntries<T>(_ node: Node, _ name: String, allowed: [String],
                                  _ entry: (String, String, YAMLMapping, Node) -> T?) -> [T] {
        guard case .mapping(let mapping) = node else {
            reader.error("\(name): expected a mapping of domain: {\(allowed.joined(separator: ", "))}, got \(reader.describe(node))", at: node)
            return []
        }
        var out: [T] = []
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            guard let text = reader.string(keyNode, name), let domain = domainName(text, name, at: keyNode) else { continue }
            guard seen.insert(domain).inserted else {
                reader.error("\(name): '\(text)' is listed twice (domains are compared as lower-case A-labels)", at: keyNode)
                continue
            }
            let entryName = "\(name).\(text)"
            guard let section = reader.section(value, name: entryName, allowed: allowed) else { continue }
            if let made = entry(domain, entryName, section, value) { out.append(made) }
        }
        return out
    }

    private func domainName(_ text: String, _ name: String, at node: Node) -> String? {
        guard let domain = DomainName(text) else {
            reader.error("\(name): '\(text)' is not a domain name", at: node)
            return nil
        }
        return domain.ascii.lowercased()
    }

    /// The path under `key`, resolved against the config file's directory; reported when absent.
    private func requiredPath(_ entry: YAMLMapping, _ name: String, _ key: String, at node: Node) -> String? {
        guard let n = entry[key] else {
            reader.error("\(name): \(key) is required", at: node)
            return nil
        }
        guard let text = reader.string(n, "\(name).\(key)") else { return nil }
        return resolve(text)
    }
}
