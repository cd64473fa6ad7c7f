// TLSRPTRecord: the `_smtp._tls.DOMAIN` TXT record (RFC 8460 §3): `v=TLSRPTv1; rua=URI[,URI]`, its
// mailto: and https: report addresses; anything else is not a TLSRPT record.

import Foundation
import MailCore

public struct TLSRPTRecord: Sendable, Equatable {
    /// The mailto: addresses reports go to.
    public var mailto: [MailAddress]
    /// https: URIs (RFC 8460 §5.4; not sent to here).
    public var https: [String]

    /// The record among a name's TXT strings: exactly one must start with `v=TLSRPTv1` (RFC 8460 §3:
    /// more than one, or none, and the domain gets no reports).
    public static func find(in texts: [String]) -> TLSRPTRecord? {
        let candidates = texts.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("v=TLSRPTv1") }
        guard candidates.count == 1 else { return nil }
        return parse(candidates[0])
    }

    /// One record's text; nil when it is not a valid TLSRPTv1 record with at least one usable rua.
    public static func parse(_ text: String) -> TLSRPTRecord? {
        let fields = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard fields.first == "v=TLSRPTv1" else { return nil }
        var record = TLSRPTRecord(mailto: [], https: [])
        var sawRUA = false
        for field in fields.dropFirst() {
            guard let eq = field.firstIndex(of: "=") else { return nil }
            let name = field[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = field[field.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard name == "rua" else { continue }  // §3: unknown fields are ignored
            guard !sawRUA else { return nil }
            sawRUA = true
            for uri in value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let lower = uri.lowercased()
                if lower.hasPrefix("mailto:") {
                    let text = String(uri.dropFirst(7)).removingPercentEncoding ?? String(uri.dropFirst(7))
                    if let address = try? MailAddressParser.parse(text, allowUTF8: true) { record.mailto.append(address) }
                } else if lower.hasPrefix("https://") {
                    record.https.append(uri)
                }
            }
        }
        guard sawRUA, !(record.mailto.isEmpty && record.https.isEmpty) else { return nil }
        return record
    }
}
