// PHIScanner+Message: a whole message: MIME-decoded once (MIMEDecoder), then every detector over the
// selected headers (part "header") and over each decoded text part under its IMAP part number.

import MIME
import MailCore

extension PHIScanner {
    public func scan(message: [UInt8]) -> ScanResult {
        let decoded = MIMEDecoder.decode(message)
        let today = self.today()
        var findings = engine.scan(ScanText(HeaderSelection.text(decoded.headers)), part: "header", today: today)
        for (part, text) in PHIScanner.textsByPart(decoded.texts) {
            findings += engine.scan(ScanText(text), part: part, today: today)
        }
        return ScanResult(findings: findings, uninspected: decoded.uninspected,
                          attachments: decoded.attachments, headers: decoded.headers)
    }

    /// Texts that share a part number (an encapsulated message's header and stray lines) are joined,
    /// so each part is scanned once and its findings are de-duplicated together. Order is kept.
    static func textsByPart(_ texts: [DecodedText]) -> [(String, String)] {
        var index: [String: Int] = [:]
        var out: [(String, String)] = []
        for t in texts {
            if let k = index[t.part] {
                out[k].1 += "\n" + t.text
            } else {
                index[t.part] = out.count; out.append((t.part, t.text))
            }
        }
        return out
    }
}
