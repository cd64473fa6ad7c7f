// DecodedMessage: what the PHI scanner reads from a message: decoded headers, Unicode text per part,
// the attachments, and the parts that could not be inspected (with why), under DecodeLimits.

import MailCore

/// Text ready for the detectors, with the IMAP part number it came from.
public struct DecodedText: Sendable, Equatable {
    public var part: String
    /// The part's MIME type as declared ("text/html" even though `text` is the extracted plain text).
    public var contentType: String
    public var text: String

    public init(part: String, contentType: String, text: String) {
        self.part = part
        self.contentType = contentType
        self.text = text
    }
}

public struct DecodedMessage: Sendable {
    /// The top-level header fields, unfolded and RFC 2047-decoded (the scanner's part "header").
    public var headers: [MailCore.HeaderField]
    public var texts: [DecodedText]
    public var attachments: [AttachmentInfo]
    public var uninspected: [UninspectedPart]

    public init(headers: [MailCore.HeaderField] = [], texts: [DecodedText] = [], attachments: [AttachmentInfo] = [],
                uninspected: [UninspectedPart] = []) {
        self.headers = headers
        self.texts = texts
        self.attachments = attachments
        self.uninspected = uninspected
    }
}

public struct DecodeLimits: Sendable, Equatable {
    /// A text part whose encoded body is larger than this is not decoded ("too large").
    public var maxPartBytes: Int
    /// Once the decoded text reaches this, further parts are "too large".
    public var maxTotalBytes: Int
    public var maxDepth: Int
    public var maxParts: Int

    public init(maxPartBytes: Int = 10 << 20, maxTotalBytes: Int = 50 << 20, maxDepth: Int = 20, maxParts: Int = 1000) {
        self.maxPartBytes = maxPartBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxDepth = maxDepth
        self.maxParts = maxParts
    }

    public static let `default` = DecodeLimits()
}

/// The reasons an UninspectedPart gives.
public enum UninspectedReason {
    public static let unsupportedType = "unsupported type"
    public static let encrypted = "encrypted"
    public static let decodingFailed = "decoding failed"
    public static let tooLarge = "too large"
    public static let tooDeep = "too deeply nested"
    public static let tooManyParts = "too many parts"
}
