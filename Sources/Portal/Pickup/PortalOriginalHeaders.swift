// PortalOriginalHeaders: the two facts the portal reads from a message's own header (with the MIME
// target): its Subject, RFC 2047-decoded, and its Message-ID, for the notice and the reply's threading.

import Foundation
import MIME

struct PortalOriginalHeaders: Sendable, Equatable {
    /// The decoded Subject, nil when absent or empty.
    var subject: String?
    /// The Message-ID as written (`<…>`), nil when absent or not an angle-bracketed id.
    var messageID: String?

    init(message: [UInt8]) {
        let headers = MessageHeaders(parsing: message)
        let subject = headers["Subject"].map { RFC2047.decode($0).trimmingCharacters(in: .whitespaces) }
        self.subject = subject?.isEmpty == false ? subject.map(PortalOriginalHeaders.oneLine) : nil
        if let id = headers["Message-ID"]?.trimmingCharacters(in: .whitespaces), id.hasPrefix("<"), id.hasSuffix(">"),
           id.count > 2, !id.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) {
            messageID = id
        }
    }

    /// The reply's subject: "Re: " and the original's, without stacking ("Re: Re:"), as RFC 5322
    /// section 3.6.5 suggests; "Re: (no subject)" when it had none.
    var replySubject: String {
        guard let subject else { return "Re: (no subject)" }
        return subject.lowercased().hasPrefix("re:") ? subject : "Re: \(subject)"
    }

    /// Control characters (a decoded CR or LF could forge a header) become spaces.
    private static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    }
}
