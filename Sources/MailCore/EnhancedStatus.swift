// EnhancedStatus: an RFC 3463 class.subject.detail code, and DeliveryError, which pairs a
// reply with whether the failure is temporary or permanent (chasquid's `permanent` flag).

public struct EnhancedStatus: Hashable, Sendable, Codable, CustomStringConvertible {
    public let klass: Int, subject: Int, detail: Int

    public init(_ klass: Int, _ subject: Int, _ detail: Int) {
        self.klass = klass; self.subject = subject; self.detail = detail
    }

    public init?(_ text: String) {
        let p = text.split(separator: ".")
        guard p.count == 3, let a = Int(p[0]), let b = Int(p[1]), let c = Int(p[2]),
              [2, 4, 5].contains(a), (0...999).contains(b), (0...999).contains(c) else { return nil }
        self.init(a, b, c)
    }

    public var description: String { "\(klass).\(subject).\(detail)" }
    public var isPermanent: Bool { klass == 5 }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let v = EnhancedStatus(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad status \(s)"))
        }
        self = v
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer(); try c.encode(description)
    }
}

/// An SMTP reply: a three-digit code, an optional enhanced status, and one or more text lines.
public struct SMTPReply: Hashable, Sendable, Codable, CustomStringConvertible {
    public var code: Int
    public var status: EnhancedStatus?
    public var lines: [String]

    public init(_ code: Int, _ status: EnhancedStatus?, _ lines: [String]) {
        self.code = code; self.status = status; self.lines = lines.isEmpty ? [""] : lines
    }
    public init(_ code: Int, _ status: EnhancedStatus?, _ text: String) { self.init(code, status, [text]) }

    public var isPositive: Bool { (200..<400).contains(code) }
    public var isTransient: Bool { (400..<500).contains(code) }
    public var isPermanent: Bool { code >= 500 }

    /// One line, for logs and audit records: `250 2.0.0 Ok: queued as X`.
    public var description: String {
        let text = lines.joined(separator: " / ")
        if let status { return "\(code) \(status) \(text)" }
        return "\(code) \(text)"
    }
}

/// Why a delivery failed, and whether retrying can help.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public var status: EnhancedStatus
    public var reply: SMTPReply?
    public var message: String
    public var isPermanent: Bool { status.isPermanent }

    public init(_ status: EnhancedStatus, _ message: String, reply: SMTPReply? = nil) {
        self.status = status; self.message = message; self.reply = reply
    }

    public var description: String { "\(status) \(message)" }
}
