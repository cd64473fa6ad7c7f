// DKIMKeyGenerator: makes a new DKIM key pair (RSA-2048 or Ed25519) and the DNS record to
// publish: the TXT value and the zone-file line, split into strings of at most 255 characters.

import Crypto
import _CryptoExtras
import MailCore

public enum DKIMKeyAlgorithm: String, Sendable, CaseIterable {
    case rsa2048 = "rsa"
    case ed25519
}

/// A freshly generated key: the private key as PKCS#8 PEM (what `openssl genpkey` writes and
/// `DKIMKey.load(pemFile:)` reads) and the TXT record value for its selector.
public struct GeneratedDKIMKey: Sendable {
    public let privateKeyPEM: String
    public let dnsTXT: String
}

public enum DKIMKeyGenerator {
    public static func generate(algorithm: DKIMKeyAlgorithm) throws -> GeneratedDKIMKey {
        let key: DKIMKey
        switch algorithm {
        case .rsa2048:
            do {
                key = DKIMKey(material: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
            } catch {
                throw DKIMError.signingFailed("RSA key generation: \(error)")
            }
        case .ed25519:
            key = DKIMKey(material: .ed25519(Curve25519.Signing.PrivateKey()))
        }
        return GeneratedDKIMKey(privateKeyPEM: key.privateKeyPEM, dnsTXT: key.dnsTXT)
    }

    /// The owner name of the key record: `SELECTOR._domainkey.DOMAIN.` (A-labels, absolute).
    public static func recordName(domain: DomainName, selector: String) -> String {
        "\(selector.lowercased())._domainkey.\(domain.ascii)."
    }

    /// `SELECTOR._domainkey.DOMAIN. IN TXT "..." "..."`: one zone-file line, the value cut
    /// into quoted character-strings of at most 255 octets (RFC 1035 §3.3; RFC 6376 §3.6.2.2
    /// has the verifier join them without spaces).
    public static func zoneLine(domain: DomainName, selector: String, txt: String) -> String {
        let strings = characterStrings(txt).map { "\"\($0)\"" }.joined(separator: " ")
        return "\(recordName(domain: domain, selector: selector)) IN TXT \(strings)"
    }

    /// The TXT value cut into pieces of at most 255 bytes (the value is ASCII).
    static func characterStrings(_ txt: String) -> [String] {
        var pieces: [String] = []
        var rest = Substring(txt)
        repeat {
            pieces.append(String(rest.prefix(255)))
            rest = rest.dropFirst(255)
        } while !rest.isEmpty
        return pieces
    }
}
