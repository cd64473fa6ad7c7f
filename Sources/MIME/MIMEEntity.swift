// MIMEEntity: one node of a parsed MIME tree (a message, a multipart, or a leaf part) with its IMAP
// part number (RFC 3501) and its raw, still transfer-encoded body as a slice of the message.

public struct MIMEEntity: Sendable {
    /// This entity's header fields (for an encapsulated message: the message's own header).
    public var headers: MessageHeaders
    public var contentType: ContentType
    /// IMAP numbering: a non-multipart message body is "1"; the parts of a multipart are "1", "2", …
    /// and their parts "1.1", … A message/rfc822 part "2" has one child, the encapsulated message,
    /// which is numbered "2" when it is multipart (its parts are "2.1", "2.2") and "2.1" when not.
    /// A multipart message's root carries the message's number: "" at the top level.
    public var partNumber: String
    /// A multipart's parts, or a message/rfc822 part's encapsulated message. Empty for leaves.
    public var children: [MIMEEntity]
    /// Raw, still transfer-encoded.
    public var body: ArraySlice<UInt8>
    /// Content-Disposition filename, else Content-Type name; RFC 2231 and RFC 2047 decoded.
    public var filename: String?
    /// Content-Disposition, when present.
    public var disposition: ContentDisposition?
    /// Content-Transfer-Encoding, lowercased and trimmed; "7bit" when absent.
    public var transferEncoding: String
    /// Set when the parser could not take this entity apart as declared.
    public var defect: MIMEDefect?
    /// Header-section lines that were neither a field nor a continuation (malformed mail).
    public var strayHeaderLines: [ArraySlice<UInt8>]

    public init(headers: MessageHeaders, contentType: ContentType, partNumber: String, children: [MIMEEntity] = [],
                body: ArraySlice<UInt8>, filename: String? = nil, disposition: ContentDisposition? = nil,
                transferEncoding: String = "7bit", defect: MIMEDefect? = nil,
                strayHeaderLines: [ArraySlice<UInt8>] = []) {
        self.headers = headers
        self.contentType = contentType
        self.partNumber = partNumber
        self.children = children
        self.body = body
        self.filename = filename
        self.disposition = disposition
        self.transferEncoding = transferEncoding
        self.defect = defect
        self.strayHeaderLines = strayHeaderLines
    }

    /// This entity and all its descendants, depth first, in document order.
    public var allEntities: [MIMEEntity] {
        var out: [MIMEEntity] = []
        func walk(_ e: MIMEEntity) {
            out.append(e)
            e.children.forEach(walk)
        }
        walk(self)
        return out
    }
}

/// What went wrong while taking an entity apart. The decoder turns content-losing defects into
/// uninspected parts.
public enum MIMEDefect: String, Sendable, Equatable {
    /// A multipart or message nested deeper than maxDepth: not parsed further.
    case tooDeep = "too deeply nested"
    /// maxParts was reached: the rest of this multipart was not parsed.
    case tooManyParts = "too many parts"
    /// A multipart without a boundary parameter, or whose body holds no delimiter line.
    case noBoundary = "no boundary"
    /// The closing delimiter is missing; the last part runs to the end of the body.
    case unterminated = "unterminated multipart"
}
