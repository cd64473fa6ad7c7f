// MIMEDecoder: walks the parsed MIME tree and produces the DecodedMessage the PHI scanner reads.
// Every part ends up scanned as text, listed as an attachment, and/or reported as uninspected.

import MailCore

public enum MIMEDecoder {
    public static func decode(_ message: [UInt8], limits: DecodeLimits = .default) -> DecodedMessage {
        let root = MIMEParser.parse(message, maxDepth: limits.maxDepth, maxParts: limits.maxParts)
        var walk = DecodeWalk(limits: limits)
        walk.result.headers = root.headers.fields.map { MailCore.HeaderField(name: $0.name, value: RFC2047.decode($0.value)) }
        walk.strayLines(root.strayHeaderLines, part: "header")
        walk.visit(root)
        return walk.result
    }
}

private struct DecodeWalk {
    let limits: DecodeLimits
    var result = DecodedMessage()
    var decodedBytes = 0

    init(limits: DecodeLimits) { self.limits = limits }

    mutating func visit(_ entity: MIMEEntity) {
        // A multipart root carries the message's number ("" at the top): report it as IMAP's TEXT.
        let number = entity.partNumber.isEmpty ? "TEXT" : entity.partNumber
        let type = entity.contentType
        switch entity.defect {
        case .tooDeep?:
            uninspected(number, type, UninspectedReason.tooDeep)
            return
        case .tooManyParts? where entity.children.isEmpty:
            uninspected(number, type, UninspectedReason.tooManyParts)
            return
        default:
            break
        }
        if type.isMultipart {
            multipart(entity, number: number)
        } else if !entity.children.isEmpty {
            encapsulated(entity, number: number)
        } else {
            leaf(entity, number: number)
        }
    }

    private mutating func multipart(_ entity: MIMEEntity, number: String) {
        let type = entity.contentType
        if type.subtype == "encrypted" {
            for child in entity.children { attachment(child) }
            // RFC 1847: part 1 is the control information, the last part the ciphertext.
            let payload = entity.children.last.map(\.partNumber) ?? number
            uninspected(payload.isEmpty ? "1" : payload, type, UninspectedReason.encrypted)
            return
        }
        if entity.children.isEmpty {
            // No boundary or no delimiter: what a reader would see is the body as plain text.
            text(entity, number: number, flavor: .plain, contentType: "text/plain")
            return
        }
        for child in entity.children {
            strayLines(child.strayHeaderLines, part: child.partNumber)
            visit(child)
        }
        if entity.defect == .tooManyParts { uninspected(number, type, UninspectedReason.tooManyParts) }
    }

    /// A message/rfc822 part: its header as text under its number, then its content.
    private mutating func encapsulated(_ entity: MIMEEntity, number: String) {
        if entity.disposition?.isAttachment == true || entity.filename != nil { attachment(entity) }
        for inner in entity.children {
            var lines = ""
            for field in inner.headers.fields { lines += "\(field.name): \(RFC2047.decode(field.value))\n" }
            result.texts.append(DecodedText(part: number, contentType: entity.contentType.mimeType, text: lines))
            strayLines(inner.strayHeaderLines, part: number)
            visit(inner)
        }
    }

    private mutating func leaf(_ entity: MIMEEntity, number: String) {
        let type = entity.contentType
        let kind = PartClassifier.classify(type, filename: entity.filename)
        let isText: Bool
        switch kind {
        case .text: isText = true
        default: isText = false
        }
        if !isText || entity.filename != nil || entity.disposition?.isAttachment == true { attachment(entity) }
        switch kind {
        case .text(let flavor):
            text(entity, number: number, flavor: flavor, contentType: type.mimeType)
        case .sniffedText(let flavor):
            text(entity, number: number, flavor: flavor, contentType: type.mimeType, sniff: true)
        case .encrypted:
            uninspected(number, type, UninspectedReason.encrypted)
        case .harmless:
            break
        case .unsupported:
            uninspected(number, type, UninspectedReason.unsupportedType)
        }
    }

    /// Decodes the transfer encoding and charset of a text part and adds it to `texts`.
    private mutating func text(_ entity: MIMEEntity, number: String, flavor: PartClass.TextFlavor,
                               contentType: String, sniff: Bool = false) {
        let raw = entity.body
        guard raw.count <= limits.maxPartBytes, decodedBytes + raw.count <= limits.maxTotalBytes else {
            uninspected(number, entity.contentType, UninspectedReason.tooLarge)
            return
        }
        var bytes: ArraySlice<UInt8>
        var failed = false
        switch entity.transferEncoding {
        case "7bit", "8bit", "binary", "":
            bytes = raw
        case "quoted-printable":
            bytes = TransferDecoding.quotedPrintable(raw)[...]
        case "base64":
            let decoded = TransferDecoding.base64Counting(raw)
            // Real base64 has no junk; a few stray bytes are tolerated, more means it is not base64.
            failed = decoded.junk > 0 && decoded.junk * 20 > raw.count
            bytes = failed ? raw : decoded.bytes[...]
        default:
            failed = true
            bytes = raw
        }
        if failed { uninspected(number, entity.contentType, UninspectedReason.decodingFailed) }
        if sniff, PartClassifier.looksBinary(bytes) {
            uninspected(number, entity.contentType, UninspectedReason.unsupportedType)
            return
        }
        decodedBytes += bytes.count
        let decoded = Charsets.decode(bytes, charset: entity.contentType.charset)
        let plain: String
        switch flavor {
        case .plain: plain = decoded
        case .html: plain = HTMLText.extract(decoded)
        case .enriched: plain = EnrichedText.plain(decoded)
        }
        result.texts.append(DecodedText(part: number, contentType: contentType, text: plain))
    }

    mutating func strayLines(_ lines: [ArraySlice<UInt8>], part: String) {
        guard !lines.isEmpty else { return }
        var joined: [UInt8] = []
        for line in lines { joined.append(contentsOf: line); joined.append(MIMEBytes.lf) }
        result.texts.append(DecodedText(part: part, contentType: "text/plain", text: Charsets.decode(joined[...], charset: nil)))
    }

    private mutating func attachment(_ entity: MIMEEntity) {
        let number = entity.partNumber.isEmpty ? "TEXT" : entity.partNumber
        result.attachments.append(AttachmentInfo(filename: entity.filename, contentType: entity.contentType.mimeType,
                                                 part: number))
    }

    private mutating func uninspected(_ number: String, _ type: ContentType, _ reason: String) {
        result.uninspected.append(UninspectedPart(part: number, contentType: type.mimeType, reason: reason))
    }
}
