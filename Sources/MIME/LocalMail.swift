// LocalMail: the one builder of mail the gateway writes itself (DSNs, policy notices): a new queue
// ID, the MAILER-DAEMON header block, and the envelope from LocalEnvelope. Callers give only the body.

import Foundation
import MailCore

/// A locally generated message, ready for the spool.
public struct LocalMessage: Sendable, Equatable {
    public let envelope: Envelope
    public let bytes: [UInt8]
}

public struct LocalMail: Sendable {
    /// Our host name: the From (`MAILER-DAEMON@hostname`), the Message-ID and the envelope's HELO.
    public let hostname: String
    /// The node number for the new queue IDs.
    public let node: UInt16

    public init(hostname: String, node: UInt16) {
        self.hostname = hostname
        self.node = node
    }

    /// The header block every local message carries, then `contentType` (one line, or several for
    /// folded parameters) and the body lines; CRLF line ends. `autoSubmitted` is RFC 3834's value.
    func compose(kind: LocalMailKind, to recipient: MailAddress, subject: String, autoSubmitted: String,
                 contentType: [String], body: [String], now: Date) -> LocalMessage {
        let id = QueueID.generate(node: node)
        let suffix = kind == .bounce ? "dsn" : "notice"
        var lines = [
            "From: Mail Delivery System <MAILER-DAEMON@\(hostname)>",
            "To: <\(DSNBuilder.addressText(recipient))>",
            "Subject: \(DSNBuilder.oneLine(subject))",
            "Date: \(RFC5322Date.format(now))",
            "Message-ID: <\(id).\(suffix)@\(hostname)>",
            "Auto-Submitted: \(autoSubmitted)",
            "MIME-Version: 1.0",
        ]
        if let first = contentType.first { lines.append("Content-Type: \(first)") }
        lines += contentType.dropFirst()
        lines.append("")
        lines += body
        let bytes = Array(lines.joined(separator: "\r\n").utf8)
        return LocalMessage(envelope: LocalEnvelope.make(queueID: id, to: recipient, message: bytes, hostname: hostname,
                                                         kind: kind, now: now),
                            bytes: bytes)
    }
}
