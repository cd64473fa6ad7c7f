// PortalCIDRewriter: replaces `cid:` URLs (RFC 2392) in an HTML body with `data:` URIs of the inline
// images they name, so the sandboxed frame shows them with no request; not an HTML sanitiser.

import Foundation

enum PortalCIDRewriter {
    /// `html` with every `cid:ID` whose ID names an inline image part replaced by a base64 data URI.
    /// Other `cid:` references are left alone (the frame's CSP loads nothing for them).
    static func rewrite(_ html: String, inline: [String: PortalInlinePart]) -> String {
        guard !inline.isEmpty else { return html }
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var rest = Substring(html)
        while let range = rest.range(of: "cid:", options: .caseInsensitive) {
            out += rest[rest.startIndex..<range.lowerBound]
            var end = range.upperBound
            while end < rest.endIndex, !terminators.contains(rest[end]) { end = rest.index(after: end) }
            let reference = String(rest[range.upperBound..<end])
            let id = reference.removingPercentEncoding ?? reference
            if let part = inline[id], part.contentType.hasPrefix("image/") {
                out += "data:\(part.contentType);base64,\(Data(part.bytes).base64EncodedString())"
            } else {
                out += rest[range.lowerBound..<end]
            }
            rest = rest[end...]
        }
        out += rest
        return out
    }

    /// The Content-IDs `html` refers to by `cid:` URLs (percent-decoded, as RFC 2392 writes them).
    static func referencedIDs(_ html: String) -> Set<String> {
        var ids: Set<String> = []
        var rest = Substring(html)
        while let range = rest.range(of: "cid:", options: .caseInsensitive) {
            var end = range.upperBound
            while end < rest.endIndex, !terminators.contains(rest[end]) { end = rest.index(after: end) }
            let reference = String(rest[range.upperBound..<end])
            ids.insert(reference.removingPercentEncoding ?? reference)
            rest = rest[end...]
        }
        return ids
    }

    /// What ends a URL in an attribute value or CSS `url(...)`.
    private static let terminators: Set<Character> = ["\"", "'", " ", "\t", "\r", "\n", "\r\n", ">", ")", "<"]
}
