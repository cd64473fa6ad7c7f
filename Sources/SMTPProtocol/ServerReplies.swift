// The server's canned replies, in one place so wording and RFC 3463 codes stay consistent
// (texts follow Postfix where clients or admins are used to them).

import MailCore

enum ServerReply {
    static func s(_ code: Int, _ a: Int, _ b: Int, _ c: Int, _ text: String) -> SMTPReply {
        SMTPReply(code, EnhancedStatus(a, b, c), text)
    }

    static func greeting(_ host: String) -> SMTPReply { SMTPReply(220, nil, "\(host) ESMTP Sealgate") }
    static let ok = s(250, 2, 0, 0, "Ok")
    static let senderOk = s(250, 2, 1, 0, "Ok")
    /// RFC 3463 4.3.1 (mail system full), the words Postfix uses: the spool has no room now.
    static let insufficientStorage = s(452, 4, 3, 1, "Insufficient system storage")
    static let recipientOk = s(250, 2, 1, 5, "Ok")
    static let startData = SMTPReply(354, nil, "End data with <CR><LF>.<CR><LF>")
    static let bye = s(221, 2, 0, 0, "Bye")
    static let help = s(214, 2, 0, 0, "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT HELP VRFY AUTH STARTTLS")
    static let vrfy = s(252, 2, 5, 0, "Cannot VRFY user, but will accept message and attempt delivery")
    static let readyForTLS = s(220, 2, 0, 0, "Ready to start TLS")
    static let authSuccess = s(235, 2, 7, 0, "Authentication successful")
    static func queued(_ id: QueueID) -> SMTPReply { s(250, 2, 0, 0, "Ok: queued as \(id)") }

    // Framing
    static let lineTooLong = s(500, 5, 5, 2, "Error: line too long")
    static let badCharacters = s(500, 5, 5, 2, "Error: invalid characters in command")
    static func bareNewline(_ host: String, isCR: Bool) -> SMTPReply {
        s(521, 5, 5, 2, "\(host) Error: bare <\(isCR ? "CR" : "LF")> received")
    }
    static let notSMTP = s(521, 5, 5, 1, "Error: protocol is not SMTP")

    // Commands and sequence
    static let unknownCommand = s(500, 5, 5, 2, "Error: command not recognized")
    static let notImplemented = s(502, 5, 5, 1, "Error: command not implemented")
    static let sendHeloFirst = s(503, 5, 5, 1, "Error: send HELO/EHLO first")
    static let sendEhloFirst = s(503, 5, 5, 1, "Error: send EHLO first")
    static let nestedMail = s(503, 5, 5, 1, "Error: nested MAIL command")
    static let needMail = s(503, 5, 5, 1, "Error: need MAIL command")
    static let needRcpt = s(503, 5, 5, 1, "Error: need RCPT command")
    static func syntax(_ usage: String) -> SMTPReply { s(501, 5, 5, 4, "Syntax: \(usage)") }
    static func badParameter(_ what: String) -> SMTPReply { s(501, 5, 5, 4, "Bad \(what) parameter") }
    static let duplicateParameter = s(501, 5, 5, 4, "Error: duplicate parameter")
    static let unknownParameter = s(555, 5, 5, 4, "Unsupported option")
    static let paramsNeedEhlo = s(555, 5, 5, 4, "Error: ESMTP parameters require EHLO")

    // Addresses and policy
    static let badSender = s(501, 5, 1, 7, "Bad sender address syntax")
    static let badRecipient = s(501, 5, 1, 3, "Bad recipient address syntax")
    static let utf8Address = s(553, 5, 6, 7, "Non-ASCII address needs SMTPUTF8")
    static let noPostmaster = s(550, 5, 1, 1, "<postmaster>: Recipient address rejected: no local mailbox on this relay")
    static let senderNotOwned = s(553, 5, 7, 1, "Sender address rejected: not owned by user")
    static func relayDenied(_ rcpt: MailAddress) -> SMTPReply { s(554, 5, 7, 1, "<\(rcpt)>: Relay access denied") }
    static let tooManyRecipients = s(452, 4, 5, 3, "Error: too many recipients")
    static let sizeTooBig = s(552, 5, 3, 4, "Message size exceeds fixed limit")
    static let requireTLSWithoutTLS = s(530, 5, 7, 10, "REQUIRETLS needs a TLS connection")
    static let authRequired = s(530, 5, 7, 0, "Authentication required")

    // End of data
    static let messageTooBig = s(552, 5, 3, 4, "Error: message file too big")
    static let messageLineTooLong = s(500, 5, 5, 2, "Error: message line too long")
    static let tooManyHops = s(554, 5, 4, 6, "Error: too many hops (mail loop?)")

    // STARTTLS and AUTH
    static let tlsActive = s(554, 5, 5, 1, "Error: TLS already active")
    static let authDisabled = s(503, 5, 5, 1, "Error: authentication not enabled")
    static let starttlsFirst = s(530, 5, 7, 0, "Must issue a STARTTLS command first")
    static let alreadyAuthenticated = s(503, 5, 5, 1, "Error: already authenticated")
    static let authInTransaction = s(503, 5, 5, 1, "Error: MAIL transaction in progress")
    static let unknownMechanism = s(504, 5, 5, 4, "Error: unsupported authentication mechanism")
    static let authCancelled = s(501, 5, 0, 0, "Authentication cancelled")
    static let badBase64 = s(501, 5, 5, 2, "Error: invalid base64 data")
    static let badAuthResponse = s(501, 5, 5, 2, "Error: malformed authentication response")
    static let authFailed = s(535, 5, 7, 8, "Error: authentication failed")
    static let authTempFail = s(454, 4, 7, 0, "Temporary authentication failure")
    static let emptyChallenge = SMTPReply(334, nil, "")
    static let usernameChallenge = SMTPReply(334, nil, "VXNlcm5hbWU6")   // "Username:"
    static let passwordChallenge = SMTPReply(334, nil, "UGFzc3dvcmQ6")   // "Password:"

    // Session end
    static func timeout(_ host: String) -> SMTPReply { s(421, 4, 4, 2, "\(host) Error: timeout exceeded") }
    static func shuttingDown(_ host: String) -> SMTPReply { s(421, 4, 3, 2, "\(host) Service shutting down, closing connection") }
    static func tooManyErrors(_ host: String) -> SMTPReply { s(421, 4, 7, 0, "\(host) Error: too many errors") }
    static func tooManyAuthFailures(_ host: String) -> SMTPReply {
        s(421, 4, 7, 0, "\(host) Error: too many failed authentication attempts")
    }
}
