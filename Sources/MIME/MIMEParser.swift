// MIMEParser: builds the MIMEEntity tree of a message (nested multiparts, encapsulated messages) with
// IMAP part numbers. Never throws: depth and part-count limits and malformed structure become defects.

public enum MIMEParser {
    /// Parses `message` best-effort. Multiparts and messages deeper than `maxDepth` are left unparsed
    /// (defect `.tooDeep`); at most `maxParts` entities are created (defect `.tooManyParts`).
    public static func parse(_ message: [UInt8], maxDepth: Int = 20, maxParts: Int = 1000) -> MIMEEntity {
        var walk = ParseWalk(maxDepth: max(0, maxDepth), maxParts: max(1, maxParts))
        return walk.message(message[...], number: "", depth: 0)
    }

    /// Joins a parent number and a child index: ("", 2) -> "2", ("1.3", 2) -> "1.3.2".
    static func join(_ prefix: String, _ index: Int) -> String {
        prefix.isEmpty ? String(index) : "\(prefix).\(index)"
    }
}

private struct ParseWalk {
    let maxDepth: Int
    let maxParts: Int
    var created = 0

    init(maxDepth: Int, maxParts: Int) {
        self.maxDepth = maxDepth
        self.maxParts = maxParts
    }

    /// An RFC 5322 message (the top level, or the content of a message/rfc822 part numbered `number`).
    mutating func message(_ bytes: ArraySlice<UInt8>, number: String, depth: Int) -> MIMEEntity {
        var entity = header(bytes, defaultType: .textPlain)
        if entity.contentType.isMultipart {
            entity.partNumber = number
            expand(&entity, depth: depth)
            if !entity.children.isEmpty { return entity }
        }
        // Not multipart (or a multipart that could not be split): the body is part N.1.
        entity.partNumber = MIMEParser.join(number, 1)
        if !entity.contentType.isMultipart { expand(&entity, depth: depth) }
        return entity
    }

    /// A body part of a multipart, numbered `number`.
    mutating func part(_ bytes: ArraySlice<UInt8>, number: String, depth: Int, defaultType: ContentType) -> MIMEEntity {
        var entity = header(bytes, defaultType: defaultType)
        entity.partNumber = number
        expand(&entity, depth: depth)
        return entity
    }

    /// Parses the header section and fills in everything but the part number and children.
    mutating func header(_ bytes: ArraySlice<UInt8>, defaultType: ContentType) -> MIMEEntity {
        created += 1
        let split = MessageHeaders.splitEntity(bytes)
        let (headers, stray) = MessageHeaders.parseMIME(split.header)
        let contentType = headers["content-type"].map(ContentType.parse) ?? defaultType
        let disposition = headers["content-disposition"].map(ContentDisposition.parse)
        let encoding = headers["content-transfer-encoding"].map(MIMEBytes.normalizedToken) ?? "7bit"
        let rawName = disposition?.parameters["filename"] ?? contentType.parameters["name"]
        let filename = rawName.map(RFC2047.decode)
        return MIMEEntity(headers: headers, contentType: contentType, partNumber: "", body: split.body,
                          filename: filename, disposition: disposition, transferEncoding: encoding,
                          strayHeaderLines: stray)
    }

    /// Parses the children of a multipart or an encapsulated message, within the limits.
    mutating func expand(_ entity: inout MIMEEntity, depth: Int) {
        let type = entity.contentType
        if type.isMultipart {
            guard depth < maxDepth else { entity.defect = .tooDeep; return }
            guard let boundary = type.boundary, !boundary.isEmpty else { entity.defect = .noBoundary; return }
            let budget = max(0, maxParts - created)
            let split = MultipartSplitter.split(entity.body, boundary: boundary, maxParts: budget)
            if split.parts.isEmpty, !split.truncated { entity.defect = .noBoundary; return }
            let childDefault: ContentType = type.subtype == "digest" ? .messageRFC822 : .textPlain
            for (i, bytes) in split.parts.enumerated() {
                guard created < maxParts else { entity.defect = .tooManyParts; return }
                let child = part(bytes, number: MIMEParser.join(entity.partNumber, i + 1),
                                 depth: depth + 1, defaultType: childDefault)
                entity.children.append(child)
            }
            if split.truncated { entity.defect = .tooManyParts } else if !split.closed { entity.defect = .unterminated }
        } else if Self.isEncapsulatedMessage(type) {
            guard depth < maxDepth else { entity.defect = .tooDeep; return }
            guard created < maxParts else { entity.defect = .tooManyParts; return }
            let content = Self.contentOfMessagePart(entity)
            entity.children = [message(content, number: entity.partNumber, depth: depth + 1)]
        }
    }

    static func isEncapsulatedMessage(_ type: ContentType) -> Bool {
        type.type == "message" && (type.subtype == "rfc822" || type.subtype == "global" || type.subtype == "news")
    }

    /// The encapsulated message's bytes; decoded first when a sender base64- or QP-encoded it anyway.
    static func contentOfMessagePart(_ entity: MIMEEntity) -> ArraySlice<UInt8> {
        switch entity.transferEncoding {
        case "base64": return TransferDecoding.base64(entity.body)[...]
        case "quoted-printable": return TransferDecoding.quotedPrintable(entity.body)[...]
        default: return entity.body
        }
    }
}
