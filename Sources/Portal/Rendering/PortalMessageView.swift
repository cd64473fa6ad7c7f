// PortalMessageView: an opened portal message taken apart for the reading page, as a mail client
// shows it: the header fields, the text and HTML bodies, inline parts by Content-ID, attachments.

import Foundation
import MIME

public struct PortalMessageView: Sendable {
    public var from: String
    public var to: String
    public var cc: String
    /// The Date field as written (see `dateText` for the page's form).
    public var date: String
    public var subject: String
    /// The Message-ID, for a reply's In-Reply-To.
    public var messageID: String?
    /// The first text/plain body (decoded to a String); nil when the message has none.
    public var text: String?
    /// The first text/html body, its `cid:` references still in place; nil when there is none.
    public var html: String?
    /// Parts that carry a Content-ID (the HTML body's inline images), by Content-ID without brackets.
    public var inlineParts: [String: PortalInlinePart]
    /// Every part offered for download, in document order.
    public var attachments: [PortalAttachment]

    /// Parses the message bytes as opened from the store. Never fails: malformed mail is shown as
    /// far as it can be taken apart (the MIME parser never throws).
    public init(parsing message: [UInt8]) {
        let root = MIMEParser.parse(message)
        let headers = root.headers
        from = Self.field(headers, "from")
        to = Self.field(headers, "to")
        cc = Self.field(headers, "cc")
        date = Self.field(headers, "date")
        subject = Self.field(headers, "subject")
        messageID = headers["message-id"].map { $0.trimmingCharacters(in: .whitespaces) }
        var walk = PortalPartWalk()
        walk.visit(root)
        text = walk.text
        html = walk.html
        inlineParts = walk.inline
        let shownInline = walk.html.map(PortalCIDRewriter.referencedIDs) ?? []
        attachments = walk.leaves.compactMap { leaf in
            if let id = leaf.contentID, shownInline.contains(id), leaf.disposition != "attachment" { return nil }
            return PortalAttachment(leaf)
        }
    }

    /// The HTML body with each `cid:` reference to an inline image replaced by a `data:` URI.
    public var htmlWithInlineImages: String? {
        html.map { PortalCIDRewriter.rewrite($0, inline: inlineParts) }
    }

    /// The Date field for the page: "3 December 2026, 08:15 UTC" when it parses, else as written.
    public var dateText: String {
        guard let parsed = RFC5322Date.parse(date) else { return date }
        return PortalDateText.long(parsed)
    }

    /// The downloadable part with this IMAP part number, decoded (transfer encoding removed).
    public static func part(_ number: String, of message: [UInt8]) -> PortalDownload? {
        var walk = PortalPartWalk()
        walk.visit(MIMEParser.parse(message))
        guard let leaf = walk.leaves.first(where: { $0.number == number }) else { return nil }
        let attachment = PortalAttachment(leaf)
        return PortalDownload(filename: attachment.filename, contentType: attachment.contentType, bytes: leaf.bytes)
    }

    private static func field(_ headers: MessageHeaders, _ name: String) -> String {
        headers.values(name).map(RFC2047.decode).joined(separator: ", ")
    }
}

/// One downloadable part: its name, type, decoded size and IMAP part number (RFC 3501).
public struct PortalAttachment: Sendable, Equatable {
    public var filename: String
    public var contentType: String
    public var size: Int
    public var partNumber: String

    init(_ leaf: PortalLeaf) {
        partNumber = leaf.number
        contentType = leaf.contentType
        size = leaf.bytes.count
        filename = leaf.filename.flatMap { PortalFilename.clean($0) } ?? PortalFilename.fallback(number: leaf.number, type: leaf.contentType)
    }
}

/// A part the HTML body may show inline (`cid:`), decoded.
public struct PortalInlinePart: Sendable, Equatable {
    public var contentType: String
    public var bytes: [UInt8]
}

/// A part as it is downloaded.
public struct PortalDownload: Sendable, Equatable {
    public var filename: String
    public var contentType: String
    public var bytes: [UInt8]
}
