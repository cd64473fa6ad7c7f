// Command dispatch and the session-level commands: EHLO/HELO (with the extension list), RSET,
// NOOP, QUIT, HELP, VRFY, STARTTLS, and the answers to verbs the server does not take.

import MailCore

extension SMTPServerStateMachine {
    mutating func command(_ line: ServerCommandLine) {
        let arg = line.argument
        switch line.verb {
        case "EHLO": hello(arg, extended: true)
        case "HELO": hello(arg, extended: false)
        case "MAIL": mail(arg)
        case "RCPT": rcpt(arg)
        case "DATA": data(arg)
        case "RSET":
            guard arg.isEmpty else { return fail(ServerReply.syntax("RSET")) }
            transaction = nil
            send(ServerReply.ok)
        case "NOOP": send(ServerReply.ok)
        case "QUIT": closeSession(with: ServerReply.bye)
        case "HELP": send(ServerReply.help)
        case "VRFY":
            guard !arg.isEmpty else { return fail(ServerReply.syntax("VRFY address")) }
            send(ServerReply.vrfy)
        case "EXPN", "TURN", "ETRN": fail(ServerReply.notImplemented)
        case "AUTH": auth(arg)
        case "STARTTLS": startTLS(arg)
        case "GET", "POST", "HEAD", "PUT", "CONNECT", "USER":
            // A web or proxy client talking to the mail port (Postfix's smtpd_forbidden_commands).
            closeSession(with: ServerReply.notSMTP)
        default: fail(ServerReply.unknownCommand)
        }
    }

    /// EHLO and HELO; either one ends any transaction (RFC 5321 §4.1.4).
    mutating func hello(_ arg: String, extended: Bool) {
        guard let name = arg.split(separator: " ").first.map(String.init), !name.isEmpty else {
            return fail(ServerReply.syntax(extended ? "EHLO hostname" : "HELO hostname"))
        }
        transaction = nil
        session.helo = name
        session.esmtp = extended
        if extended {
            send(SMTPReply(250, nil, [config.hostname] + extensions))
        } else {
            send(SMTPReply(250, nil, config.hostname))
        }
    }

    /// The EHLO keywords for the current state of the session.
    var extensions: [String] {
        var list = ["PIPELINING", "SIZE \(config.maxMessageSize)"]
        if !tlsActive && config.starttlsAvailable { list.append("STARTTLS") }
        if tlsActive && config.auth != .none { list.append("AUTH PLAIN LOGIN") }
        list += ["ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8"]
        if tlsActive { list.append("REQUIRETLS") }
        return list
    }

    /// RFC 3848 protocol name for the Received header.
    var protocolName: String {
        guard session.esmtp else { return "SMTP" }
        return "ESMTP" + (tlsActive ? "S" : "") + (session.authenticatedUser != nil ? "A" : "")
    }

    mutating func startTLS(_ arg: String) {
        guard !tlsActive else { return fail(ServerReply.tlsActive) }
        guard config.starttlsAvailable else { return fail(ServerReply.notImplemented) }
        guard arg.isEmpty else { return fail(ServerReply.syntax("STARTTLS")) }
        send(ServerReply.readyForTLS)
        output.append(.startTLS)
        // RFC 3207 §5: anything pipelined after STARTTLS arrived in plaintext and is dropped.
        input.clear()
        transaction = nil
        mode = .awaitingTLS
    }
}
