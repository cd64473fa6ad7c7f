// DKIMSigner: signs a message for one domain and selector (RFC 6376 §5, RFC 8463), relaxed/
// relaxed, and returns it with its DKIM-Signature field on top. Sign the final bytes, last.

import Crypto
import Foundation
import MailCore

public struct DKIMSigner: Sendable {
    public let domain: DomainName
    public let selector: String
    public let key: DKIMKey
    public let headers: SignedHeaders

    /// Throws `.badSelector` unless the selector is dot-separated LDH labels (RFC 6376 §3.1).
    public init(domain: DomainName, selector: String, key: DKIMKey, headers: SignedHeaders = .default) throws {
        guard Self.isValidSelector(selector) else { throw DKIMError.badSelector(selector) }
        self.domain = domain
        self.selector = selector.lowercased()
        self.key = key
        self.headers = headers
    }

    /// Returns `message` (CRLF line endings, as it will be sent) with a `DKIM-Signature:` field
    /// prepended. Signatures already there are left alone (and not signed), so several signers
    /// (an RSA and an Ed25519 key, say) can each sign in turn. Throws `.noFromHeader` when the
    /// message has no From, `.bareLineEnding` when it is not in CRLF form.
    public func sign(message: [UInt8], now: Date) throws -> [UInt8] {
        if let offset = MessageSplitter.firstBareLineEnding(message) { throw DKIMError.bareLineEnding(offset: offset) }
        let split = MessageSplitter.split(message)
        guard split.headers.contains(where: { $0.matchName == "from" }) else { throw DKIMError.noFromHeader }
        let bodyHash = Data(SHA256.hash(data: RelaxedBody.canonicalize(split.body))).base64EncodedString()
        let names = headers.entries(for: split.headers)
        let unsigned = SignatureField.unsigned(tags: [
            ("v", "1"), ("a", key.algorithm.rawValue), ("c", "relaxed/relaxed"), ("d", domain.ascii),
            ("s", selector), ("t", String(Int64(now.timeIntervalSince1970.rounded(.down)))),
        ], headerNames: names, bodyHash: bodyHash)
        var input = HeaderSelection.canonicalFields(names: names, from: split.headers)
        input += RelaxedHeader.canonicalize(field: unsigned.utf8).dropLast(2)  // no CRLF after it (§3.7)
        let signature = try key.sign(input)
        return Array(SignatureField.signed(unsigned: unsigned, signature: signature).utf8) + message
    }

    /// True when `selector` can be a selector: dot-separated labels of letters, digits and hyphens.
    public static func isValidSelector(_ selector: String) -> Bool {
        let labels = selector.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && selector.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        }
    }
}
