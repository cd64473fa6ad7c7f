// WebhookSignature: the `Sealgate-Signature: t=UNIX,v1=HEX` header, HMAC-SHA256 under the
// endpoint's secret over "timestamp.body" (Stripe's scheme), and its check (for tests and receivers).

import Crypto
import Foundation

public enum WebhookSignature {
    public static let headerName = "Sealgate-Signature"
    public static let eventIDHeaderName = "Sealgate-Event-Id"

    /// The lower-case hex HMAC-SHA256 of "`timestamp`.`body`".
    public static func hex(secret: [UInt8], timestamp: Int, body: [UInt8]) -> String {
        let signed = Array("\(timestamp).".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: secret))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The header value: `t=1700000000,v1=5f3c…`.
    public static func header(secret: [UInt8], timestamp: Int, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(secret: secret, timestamp: timestamp, body: body))"
    }

    /// True when `header` carries a v1 signature of `body` under `secret` (constant-time compare).
    public static func verify(header: String, secret: [UInt8], body: [UInt8]) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp else { return false }
        let expected = Array(hex(secret: secret, timestamp: timestamp, body: body).utf8)
        return signatures.contains { candidate in
            let bytes = Array(candidate.utf8)
            guard bytes.count == expected.count else { return false }
            return zip(bytes, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}
