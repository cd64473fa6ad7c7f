// Helpers for the MIME decoding tests: messages written with "\n" and sent with CRLF, and lookups
// into a DecodedMessage by part number.

@testable import MIME

/// The message with every "\n" turned into CRLF, as it arrives over SMTP.
func mimeCRLF(_ text: String) -> [UInt8] {
    Array(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
}

extension DecodedMessage {
    /// The decoded text of part `part` (the first one, when a part gives several).
    func text(_ part: String) -> String? { texts.first { $0.part == part }?.text }
}

extension MIMEEntity {
    /// (part number, MIME type) of every entity, the first entity per number only (an encapsulated
    /// multipart message shares the number of its message/rfc822 part), without the multipart root.
    var numbering: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for e in allEntities where !e.partNumber.isEmpty && !seen.contains(e.partNumber) {
            seen.insert(e.partNumber)
            out.append("\(e.partNumber) \(e.contentType.mimeType)")
        }
        return out
    }
}
