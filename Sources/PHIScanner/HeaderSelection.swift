// HeaderSelection: which decoded header fields are scanned as part "header". People write Subject,
// display names and custom X- fields; machine-written trace and MIME fields are skipped (their
// timestamps, message IDs and IP addresses only produce false positives).

import MailCore

enum HeaderSelection {
    static let skipped: Set<String> = [
        "received", "message-id", "in-reply-to", "references", "date", "dkim-signature", "domainkey-signature",
        "authentication-results", "received-spf", "return-path", "mime-version", "content-type",
        "content-transfer-encoding", "content-id", "content-disposition", "x-mailer", "user-agent",
        "x-originating-ip", "delivered-to", "resent-date", "resent-message-id", "thread-index", "x-received",
        "list-unsubscribe", "list-id", "feedback-id", "x-sealgate-trace",
    ]
    static let skippedPrefixes = ["arc-", "x-ms-", "x-google-", "x-spam", "x-forefront-", "x-microsoft-"]

    static func isScanned(_ name: String) -> Bool {
        let n = name.lowercased()
        return !skipped.contains(n) && !skippedPrefixes.contains { n.hasPrefix($0) }
    }

    /// The scanned fields as one text, a field per line.
    static func text(_ headers: [HeaderField]) -> String {
        var out = ""
        for h in headers where isScanned(h.name) { out += h.name + ": " + h.value + "\n" }
        return out
    }
}
