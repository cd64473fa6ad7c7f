// Messages and signers the DKIM tests share: a message with folded, tabbed and repeated
// fields and a body with trailing WSP and empty lines, and signers over generated keys.

@testable import DKIM
import Foundation
import MailCore

enum Fixtures {
    static let domain = DomainName("example.org")!
    static let signingTime = Date(timeIntervalSince1970: 1_780_000_000)

    static let message = Array(("Received: from mta.example.net by gw.example.org; Mon, 1 Jun 2026 10:00:00 +0000\r\n"
        + "From: Dr Alice <alice@example.org>\r\n"
        + "To: bob@example.com,\r\n\tcarol@example.com\r\n"
        + "Subject:  Lab results \t for\r\n  June  \r\n"
        + "Date: Mon, 1 Jun 2026 10:00:00 +0000\r\n"
        + "Message-ID: <1@example.org>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "X-Trace: added by a relay\r\n"
        + "\r\n"
        + "Hello Bob,  \r\n"
        + "\tthe results are in.\r\n"
        + "\r\n"
        + "Regards\r\n"
        + "\r\n\r\n").utf8)

    static func record(_ selector: String) -> String { "\(selector)._domainkey.example.org" }

    static func signer(_ selector: String, _ key: DKIMKey) throws -> DKIMSigner {
        try DKIMSigner(domain: domain, selector: selector, key: key)
    }

    /// `message` with the first occurrence of `old` replaced by `new` (same or other length).
    static func replacing(_ old: String, with new: String, in message: [UInt8]) -> [UInt8] {
        let text = String(decoding: message, as: UTF8.self)
        guard let range = text.range(of: old) else { return message }
        return Array(text.replacingCharacters(in: range, with: new).utf8)
    }
}
