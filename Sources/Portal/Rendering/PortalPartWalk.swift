// PortalPartWalk: the walk over a parsed MIME tree that picks the bodies a reader sees (first text,
// first HTML) and lists every other leaf; encapsulated messages stay whole (one .eml download).

import Foundation
import MIME

/// A leaf of the tree, decoded.
struct PortalLeaf {
    var number: String
    var contentType: String
    var filename: String?
    var disposition: String?
    var contentID: String?
    var bytes: [UInt8]
}

struct PortalPartWalk {
    var text: String?
    var html: String?
    var inline: [String: PortalInlinePart] = [:]
    /// Every leaf that is not the chosen text or HTML body, in document order.
    var leaves: [PortalLeaf] = []

    mutating func visit(_ entity: MIMEEntity) {
        let type = entity.contentType
        // An encapsulated message is offered as one file (it is numbered like the part that holds it).
        if type.isMultipart, !entity.children.isEmpty {
            entity.children.forEach { visit($0) }
            return
        }
        let bytes = Self.decoded(entity)
        let disposition = entity.disposition?.type
        let isAttachment = disposition == "attachment"
        if !isAttachment, entity.filename == nil {
            if type.mimeType == "text/plain", text == nil {
                text = Charsets.decode(bytes, charset: type.charset) ?? ""
                return
            }
            if type.mimeType == "text/html", html == nil {
                html = Charsets.decode(bytes, charset: type.charset) ?? ""
                return
            }
        }
        let contentID = entity.headers["content-id"].map(Self.bareContentID).flatMap { $0.isEmpty ? nil : $0 }
        if let contentID, !isAttachment, inline[contentID] == nil {
            inline[contentID] = PortalInlinePart(contentType: type.mimeType, bytes: bytes)
        }
        let number = entity.partNumber.isEmpty ? "1" : entity.partNumber
        leaves.append(PortalLeaf(number: number, contentType: type.mimeType, filename: entity.filename,
                                 disposition: disposition, contentID: contentID, bytes: bytes))
    }

    /// The body without its Content-Transfer-Encoding (7bit, 8bit and binary are as written).
    static func decoded(_ entity: MIMEEntity) -> [UInt8] {
        switch entity.transferEncoding {
        case "base64": return TransferDecoding.base64(entity.body)
        case "quoted-printable": return TransferDecoding.quotedPrintable(entity.body)
        default: return Array(entity.body)
        }
    }

    /// `<abc@example>` → `abc@example`.
    static func bareContentID(_ value: String) -> String {
        var s = value.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("<") { s.removeFirst() }
        if s.hasSuffix(">") { s.removeLast() }
        return s.trimmingCharacters(in: .whitespaces)
    }
}
