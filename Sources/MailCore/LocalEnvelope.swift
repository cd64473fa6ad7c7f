// LocalEnvelope: the one envelope factory for mail the gateway writes itself (bounces, policy
// notices): null sender, one recipient that asks for no DSN, and the local client Postfix uses.

import struct Foundation.Date

/// Which kind of locally generated mail an envelope carries (its `client.listener`, for logs and audit).
public enum LocalMailKind: String, Sendable, CaseIterable {
    case bounce
    case policyNotice = "policy-notice"
}

public enum LocalEnvelope {
    /// The client of locally generated mail, as Postfix's pickup reports it: `localhost[127.0.0.1]`.
    public static let clientName = "localhost"
    public static let clientAddress = "127.0.0.1"
    public static let protocolName = "LOCAL"

    /// From `<>` (so it can never bounce back) to `recipient`, NOTIFY=NEVER. SMTPUTF8 is set only
    /// when the recipient's address needs it (RFC 6531); 8BITMIME only when the message has 8-bit bytes.
    public static func make(queueID: QueueID, to recipient: MailAddress, message: [UInt8], hostname: String,
                            kind: LocalMailKind, now: Date) -> Envelope {
        let client = ClientInfo(address: clientAddress, port: 0, hostname: clientName, helo: hostname,
                                protocolName: protocolName, authenticatedUser: nil, tls: nil, listener: kind.rawValue)
        return Envelope(queueID: queueID, sender: nil, recipients: [RecipientSpec(address: recipient, notify: [.never])],
                        bodyType: message.contains { $0 >= 0x80 } ? .eightBitMIME : .sevenBit,
                        smtputf8: recipient.needsSMTPUTF8, size: message.count, arrival: now, client: client)
    }
}
