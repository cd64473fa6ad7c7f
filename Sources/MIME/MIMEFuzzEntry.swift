// One fuzz input for MIME: the tree parser, the decoder walk, every part's transfer and charset
// decoding and RFC 2047 in every header; shared by the libFuzzer target and the corpus replay test.

public enum MIMEFuzzEntry {
    public struct Outcome: Sendable {
        public var parts = 0
        public var texts = 0
        public var uninspected = 0
    }

    static let limits = DecodeLimits(maxPartBytes: 64 << 10, maxTotalBytes: 256 << 10, maxDepth: 8, maxParts: 64)

    /// Traps if the tree breaks its own limits or a decoded text exceeds the part limit.
    public static func run(_ bytes: [UInt8]) -> Outcome {
        let root = MIMEParser.parse(bytes, maxDepth: limits.maxDepth, maxParts: limits.maxParts)
        let entities = root.allEntities
        precondition(entities.count <= limits.maxParts + 1, "\(entities.count) parts over the limit")
        for entity in entities {
            for field in entity.headers.fields { _ = RFC2047.decode(field.value) }
            _ = ContentType.parse(entity.headers["Content-Type"] ?? "")
            let decoded: [UInt8]
            switch entity.transferEncoding.lowercased() {
            case "base64": decoded = TransferDecoding.base64(entity.body)
            case "quoted-printable": decoded = TransferDecoding.quotedPrintable(entity.body)
            default: decoded = Array(entity.body)
            }
            if let text = Charsets.decode(decoded, charset: entity.contentType.charset ?? "utf-8"),
               entity.contentType.subtype == "html" {
                _ = HTMLText.extract(text)
            }
        }
        let message = MIMEDecoder.decode(bytes, limits: limits)
        for text in message.texts {
            precondition(text.text.utf8.count <= 4 * limits.maxPartBytes, "part \(text.part) decoded past its limit")
        }
        return Outcome(parts: entities.count, texts: message.texts.count, uninspected: message.uninspected.count)
    }
}
