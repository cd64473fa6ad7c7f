// HeaderModifiers: applies policy's add_header and strip_subject_tag to the queued message. The
// message is stored once for all recipients, so only modifiers every delivered recipient shares apply.

import Foundation
import MailCore

public enum HeaderModifiers {
    /// The rewritten message, or nil when nothing changes.
    public static func apply(decisions: [Decision], to message: [UInt8]) -> [UInt8]? {
        let delivered = decisions.filter { if case .deliver = $0.action { return true } else { return false } }
        guard let first = delivered.first else { return nil }
        let headers = first.addHeaders.filter { h in delivered.allSatisfy { $0.addHeaders.contains(h) } }
        let tags = first.stripSubjectTags.filter { t in delivered.allSatisfy { $0.stripSubjectTags.contains(t) } }
        guard !headers.isEmpty || !tags.isEmpty else { return nil }
        var out = message
        if !tags.isEmpty { out = stripSubjectTags(tags, in: out) }
        if !headers.isEmpty {
            // Below Sealgate's own Received header: trace fields stay on top (RFC 5322 §3.6.7).
            let added = Array(headers.map { "\(sanitize($0.name)): \(sanitize($0.value))\r\n" }.joined().utf8)
            let at = endOfFirstField(out)
            out = Array(out[..<at]) + added + Array(out[at...])
        }
        return out == message ? nil : out
    }

    /// The offset just past the first header field and its folded continuation lines.
    static func endOfFirstField(_ m: [UInt8]) -> Int {
        var i = 0
        while i < m.count {
            while i < m.count && m[i] != 0x0A { i += 1 }
            i += 1   // past the LF
            guard i < m.count, m[i] == 0x20 || m[i] == 0x09 else { return min(i, m.count) }
        }
        return m.count
    }

    /// Header names and values from policy files must not smuggle a line break.
    static func sanitize(_ text: String) -> String {
        // By scalar: "\r\n" is one Character in Swift, so comparing Characters would miss it.
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\r" || $0 == "\n" ? " " : $0 }))
    }

    /// Removes each tag (case-insensitively) from the first Subject header, tidying spaces.
    static func stripSubjectTags(_ tags: [String], in message: [UInt8]) -> [UInt8] {
        guard let range = subjectLineRange(message) else { return message }
        var line = String(decoding: message[range], as: UTF8.self)
        for tag in tags where !tag.isEmpty {
            while let r = line.range(of: tag, options: .caseInsensitive, range: line.index(line.startIndex, offsetBy: 8)..<line.endIndex) {
                line.removeSubrange(r)
            }
        }
        let value = line.dropFirst(8).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let rebuilt = Array(("Subject: " + value).utf8)
        return Array(message[..<range.lowerBound]) + rebuilt + Array(message[range.upperBound...])
    }

    /// The bytes of "Subject: …" up to (not including) its CRLF, in the header section, unfolded lines only.
    static func subjectLineRange(_ m: [UInt8]) -> Range<Int>? {
        var start = 0
        while start < m.count {
            var end = start
            while end < m.count && m[end] != 0x0A { end += 1 }
            let lineEnd = end > start && m[end - 1] == 0x0D ? end - 1 : end
            if lineEnd == start { return nil }   // end of headers
            if lineEnd - start >= 8, String(decoding: m[start..<(start + 8)], as: UTF8.self).lowercased() == "subject:" {
                // A folded subject continues on the next line; leave folded subjects alone.
                if end + 1 < m.count, m[end + 1] == 0x20 || m[end + 1] == 0x09 { return nil }
                return start..<lineEnd
            }
            start = end + 1
        }
        return nil
    }
}
