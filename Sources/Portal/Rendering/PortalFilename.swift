// PortalFilename: the name an attachment is offered under: the sender's name stripped of any path
// and control characters, else "part-N" with an extension for its type.

import Foundation

enum PortalFilename {
    /// The last path component without control characters; nil when nothing is left.
    static func clean(_ name: String) -> String? {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let kept = String(String.UnicodeScalarView(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
            .trimmingCharacters(in: .whitespaces)
        return kept.isEmpty || kept == "." || kept == ".." ? nil : kept
    }

    static func fallback(number: String, type: String) -> String {
        "part-\(number)" + (extensions[type] ?? "")
    }

    private static let extensions: [String: String] = [
        "message/rfc822": ".eml", "message/global": ".eml", "text/plain": ".txt", "text/html": ".html",
        "text/calendar": ".ics", "application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg",
        "image/gif": ".gif",
    ]
}
