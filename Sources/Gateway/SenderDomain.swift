// SenderDomain: the domain a message is signed for: its From header's (first) address's domain,
// else the envelope sender's; as a lower-case A-label, the form signing keys are configured under.
import Foundation
import MailCore
import MIME

enum SenderDomain {
    /// The From header's domain when it has one, else `envelopeSender`'s (an address literal has none).
    static func of(_ message: [UInt8], envelopeSender: MailAddress?) -> String? {
        if let from = fromHeader(message) { return from }
        guard case .name(let domain)? = envelopeSender?.domain else { return nil }
        return domain.ascii.lowercased()
    }

    /// The domain of the From header's (first) address, as a lower-case A-label; nil when absent or unparsable.
    static func fromHeader(_ message: [UInt8]) -> String? {
        guard var value = MessageHeaders(parsing: message)["From"] else { return nil }
        if let open = value.lastIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            value = String(value[value.index(after: open)..<close])
        } else if let comma = value.firstIndex(of: ",") {
            value = String(value[..<comma])
        }
        guard let at = value.lastIndex(of: "@") else { return nil }
        let text = value[value.index(after: at)...].trimmingCharacters(in: .whitespaces)
        guard let end = text.firstIndex(where: { $0 == " " || $0 == "(" || $0 == ">" }) ?? Optional(text.endIndex),
              let domain = DomainName(String(text[..<end])) else { return nil }
        return domain.ascii.lowercased()
    }
}
