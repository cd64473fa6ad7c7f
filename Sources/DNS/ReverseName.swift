// The owner name of an address's PTR record: in-addr.arpa for IPv4 (RFC 1035 §3.5) and the
// nibble form under ip6.arpa for IPv6 (RFC 3596 §2.5).
import MailCore

public enum ReverseName {
    /// "4.3.2.1.in-addr.arpa" for 1.2.3.4; 32 nibbles then "ip6.arpa" for IPv6. No trailing dot.
    public static func of(_ address: IPAddress) -> String {
        switch address {
        case .v4(let bytes):
            return (bytes.reversed().map(String.init) + ["in-addr", "arpa"]).joined(separator: ".")
        case .v6(let bytes):
            var labels: [String] = []
            for byte in bytes.reversed() {
                labels.append(String(byte & 0x0f, radix: 16))
                labels.append(String(byte >> 4, radix: 16))
            }
            return (labels + ["ip6", "arpa"]).joined(separator: ".")
        }
    }
}
