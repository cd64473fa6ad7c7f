// LocalEnvelope: the one envelope factory for mail the gateway writes itself (bounces, policy
// notices, portal mail, TLS reports): one recipient, a null sender by default, and the local client Postfix uses.

import struct Foundation.Date

/// Which kind of locally generated mail an envelope carries (its `client.listener`, for logs and audit).
public enum LocalMailKind: String, Sendable, CaseIterable {
    case bounce
    case policyNotice = "policy-notice"
    /// The portal's mail (Gateway's SpoolPortalMailer): its raw values are Portal's `PortalMailKind`'s.
    case portalNotice = "portal-notice"
    case portalSenderCopy = "portal-sender-copy"
    case portalCode = "portal-code"
    case portalReadReceipt = "portal-read-receipt"
    case portalReply = "portal-reply"
    /// An RFC 8460 TLS report to a recipient domain's rua (Gateway's TLSReportSender).
    case tlsReport = "tls-report"
}

public enum LocalEnvelope {
    /// The client of locally generated mail, as Postfix's pickup reports it: `localhost[127.0.0.1]`.
    public static let clientName = "localhost"
    public static let clientAddress = "127.0.0.1"
    public static let protocolName = "LOCAL"

    /// From `sender` (`<>` by default, so it can never bounce back) to `recipient`; NOTIFY=NEVER with the
    /// null sender (a DSN would have nowhere to go), the RFC 3461 default otherwise. SMTPUTF8 is set only
    /// when an address or a header field needs it (RFC 6531, RFC 6532: a UTF-8 address in Reply-To);
    /// 8BITMIME only when the message has 8-bit bytes.
    public static func make(queueID: QueueID, to recipient: MailAddress, message: [UInt8], hostname: String,
                            kind: LocalMailKind, now: Date, sender: MailAddress? = nil) -> Envelope {
        let client = ClientInfo(address: clientAddress, port: 0, hostname: clientName, helo: hostname,
                                protocolName: protocolName, authenticatedUser: nil, tls: nil, listener: kind.rawValue)
        return Envelope(queueID: queueID, sender: sender,
                        recipients: [RecipientSpec(address: recipient, notify: sender == nil ? [.never] : nil)],
                        bodyType: message.contains { $0 >= 0x80 } ? .eightBitMIME : .sevenBit,
                        smtputf8: recipient.needsSMTPUTF8 || sender?.needsSMTPUTF8 == true || hasUTF8Header(message),
                        size: message.count,
                        arrival: now, client: client)
    }

    /// Whether the header section (up to the first empty line) has a byte above 0x7F.
    static func hasUTF8Header(_ message: [UInt8]) -> Bool {
        var previous: UInt8 = 0x0A
        for byte in message {
            if byte >= 0x80 { return true }
            if byte == 0x0A && previous == 0x0A { return false }
            if byte != 0x0D { previous = byte }
        }
        return false
    }
}
