// The server machine's outputs: the actions the NIO handler executes, the answers it feeds back
// (AuthResult), and SMTPTransaction, the finished envelope plus message handed over at the dot.

import MailCore
import NIOCore

public enum SMTPServerAction: Sendable, Equatable {
    /// Write this reply; the handler flushes at the end of each batch of actions.
    case send(SMTPReply)
    /// Follows send(220 2.0.0 Ready to start TLS): install TLS now. Every byte buffered after the
    /// STARTTLS line has already been discarded (RFC 3207 §5 injection defence).
    case startTLS
    /// Check these credentials and call authenticationResult; input processing is paused until then.
    case verifyCredentials(mechanism: String, username: String, password: String)
    /// The message is complete and acceptable: queue it and call commitResult; paused until then.
    case commit(SMTPTransaction)
    /// Close the connection (after writing the replies sent before it).
    case close
}

public enum AuthResult: Sendable, Equatable {
    /// `allowedSenders`: the MAIL FROM addresses this user may use.
    case success(user: String, allowedSenders: [MailAddress])
    case failure
    case temporaryFailure
}

public struct SMTPTransaction: Sendable, Equatable {
    public var helo: String
    /// RFC 3848 name: "SMTP" after HELO, else "ESMTP" plus "S" over TLS and "A" after AUTH.
    public var protocolName: String
    /// nil is the null reverse path `<>`.
    public var sender: MailAddress?
    public var recipients: [RecipientSpec]
    public var bodyType: BodyType
    public var smtputf8: Bool
    public var requireTLS: Bool
    public var dsnReturn: DSNReturn?
    /// ENVID, xtext-decoded.
    public var envelopeID: String?
    public var authenticatedUser: String?
    /// The message as sent: dot-unstuffed, CRLF line ends, without the final ".\r\n".
    public var data: ByteBuffer

    public init(helo: String, protocolName: String, sender: MailAddress?, recipients: [RecipientSpec],
                bodyType: BodyType = .sevenBit, smtputf8: Bool = false, requireTLS: Bool = false,
                dsnReturn: DSNReturn? = nil, envelopeID: String? = nil, authenticatedUser: String? = nil,
                data: ByteBuffer = ByteBuffer()) {
        self.helo = helo; self.protocolName = protocolName; self.sender = sender; self.recipients = recipients
        self.bodyType = bodyType; self.smtputf8 = smtputf8; self.requireTLS = requireTLS
        self.dsnReturn = dsnReturn; self.envelopeID = envelopeID; self.authenticatedUser = authenticatedUser
        self.data = data
    }
}
