// PartClassifier: decides, from a leaf part's type (and, for generic types, its filename), whether it
// is scanned as text, is encrypted, is harmless (a signature or key), or cannot be inspected.

enum PartClass: Equatable {
    enum TextFlavor: Equatable { case plain, html, enriched }
    case text(TextFlavor)
    /// Text declared under a generic binary type but named like text (report.csv as octet-stream).
    case sniffedText(TextFlavor)
    case encrypted
    case harmless
    case unsupported
}

enum PartClassifier {
    static func classify(_ type: ContentType, filename: String?) -> PartClass {
        switch (type.type, type.subtype) {
        case ("text", "html"), ("application", "xhtml+xml"):
            return .text(.html)
        case ("text", "enriched"), ("text", "richtext"):
            return .text(.enriched)
        case ("text", _):
            return .text(.plain)
        case ("message", "delivery-status"), ("message", "global-delivery-status"),
             ("message", "disposition-notification"), ("message", "global-disposition-notification"),
             ("message", "feedback-report"), ("message", "global-headers"), ("message", "rfc822-headers"):
            return .text(.plain)
        case ("application", let sub) where textApplicationSubtypes.contains(sub)
                || sub.hasSuffix("+json") || sub.hasSuffix("+xml"):
            return .text(.plain)
        case ("application", "pkcs7-mime"), ("application", "x-pkcs7-mime"):
            let smime = type.parameters["smime-type"].map(MIMEBytes.normalizedToken)
            if smime == "certs-only" { return .harmless }
            if smime == "signed-data" || smime == "compressed-data" { return .unsupported }
            return .encrypted
        case ("application", "pgp-encrypted"), ("application", "pkcs7-encrypted"):
            return .encrypted
        case ("application", "pkcs7-signature"), ("application", "x-pkcs7-signature"),
             ("application", "pgp-signature"), ("application", "pgp-keys"):
            return .harmless
        case ("application", "octet-stream"), ("application", "x-download"), ("application", "force-download"),
             ("application", "vnd.ms-excel"), ("application", "unknown"), ("application", "binary"):
            if let flavor = textFlavor(ofFilename: filename) { return .sniffedText(flavor) }
            return .unsupported
        default:
            return .unsupported
        }
    }

    private static let textApplicationSubtypes: Set<String> = [
        "json", "xml", "csv", "x-csv", "yaml", "x-yaml", "ics", "rtf", "x-ndjson", "ndjson", "hl7v2",
        "x-hl7", "edi-x12", "fhir+json", "fhir+xml",
    ]

    /// A text flavour for names like "labs.csv"; nil for anything else.
    static func textFlavor(ofFilename filename: String?) -> PartClass.TextFlavor? {
        guard let filename, let dot = filename.lastIndex(of: ".") else { return nil }
        switch filename[filename.index(after: dot)...].lowercased() {
        case "txt", "csv", "tsv", "json", "xml", "ics", "log", "md", "hl7", "vcf": return .plain
        case "htm", "html": return .html
        default: return nil
        }
    }

    /// True when the decoded content looks binary (NUL bytes, or a PDF/zip/OLE/image signature).
    static func looksBinary(_ bytes: ArraySlice<UInt8>) -> Bool {
        let head = bytes.prefix(1024)
        if head.contains(0) { return true }
        let magics: [[UInt8]] = [Array("%PDF".utf8), [0x50, 0x4B, 0x03, 0x04], [0xD0, 0xCF, 0x11, 0xE0],
                                 [0x89, 0x50, 0x4E, 0x47], [0xFF, 0xD8, 0xFF], Array("GIF8".utf8),
                                 [0x49, 0x49, 0x2A, 0x00], [0x4D, 0x4D, 0x00, 0x2A]]
        return magics.contains { head.starts(with: $0) }
    }
}
