// MessageFacts: everything known about one message when policy is evaluated (envelope, client,
// decoded headers, attachments, findings, sizes), so Policy needs neither the scanner nor MIME.

public struct AttachmentInfo: Sendable, Codable, Hashable {
    public var filename: String?
    public var contentType: String
    public var part: String

    public init(filename: String?, contentType: String, part: String) {
        self.filename = filename; self.contentType = contentType; self.part = part
    }
}

public struct HeaderField: Sendable, Codable, Hashable {
    public var name: String
    /// Unfolded and RFC 2047-decoded.
    public var value: String

    public init(name: String, value: String) { self.name = name; self.value = value }
}

public struct MessageFacts: Sendable {
    public var sender: MailAddress?
    public var recipients: [MailAddress]
    public var authenticatedUser: String?
    public var clientAddress: IPAddress?
    /// True when the client's TLS was active for the transaction.
    public var receivedOverTLS: Bool
    public var headers: [HeaderField]
    public var size: Int
    public var attachments: [AttachmentInfo]
    public var findings: [Finding]
    public var uninspected: [UninspectedPart]

    public init(sender: MailAddress?, recipients: [MailAddress], authenticatedUser: String?, clientAddress: IPAddress?,
                receivedOverTLS: Bool, headers: [HeaderField], size: Int, attachments: [AttachmentInfo],
                findings: [Finding], uninspected: [UninspectedPart]) {
        self.sender = sender; self.recipients = recipients; self.authenticatedUser = authenticatedUser
        self.clientAddress = clientAddress; self.receivedOverTLS = receivedOverTLS; self.headers = headers
        self.size = size; self.attachments = attachments; self.findings = findings; self.uninspected = uninspected
    }

    /// The first header of that name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var subject: String? { header("Subject") }

    /// The sum of the findings' confidences (the policy language's `score`).
    public var score: Double { findings.reduce(0) { $0 + $1.confidence } }
}

import Foundation
