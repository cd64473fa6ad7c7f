// The mail transaction: MAIL FROM (with sender ownership after AUTH), RCPT TO (with relay
// control and the recipient limit), DATA, the verdict at the final dot, and commitResult.

import MailCore
import NIOCore

extension SMTPServerStateMachine {
    mutating func mail(_ arg: String) {
        guard session.helo != nil else { return fail(ServerReply.sendHeloFirst) }
        guard transaction == nil else { return fail(ServerReply.nestedMail) }
        if config.auth == .required && session.authenticatedUser == nil { return fail(ServerReply.authRequired) }
        let path: ServerPathArgument
        switch ServerPathParser.parse(arg, prefix: "FROM:") {
        case .success(let p): path = p
        case .failure(.syntax): return fail(ServerReply.syntax("MAIL FROM:<address>"))
        case .failure(.tooLong): return fail(ServerReply.badSender)
        }
        if !session.esmtp && !path.parameters.isEmpty { return fail(ServerReply.paramsNeedEhlo) }
        var draft = ServerTransactionDraft()
        switch ServerMailParameters.apply(path.parameters, to: &draft, maxSize: config.maxMessageSize, tlsActive: tlsActive) {
        case .some(let reply): return fail(reply)
        case .none: break
        }
        if !path.mailbox.isEmpty {
            switch parseAddress(path.mailbox, utf8: draft.smtputf8, invalid: ServerReply.badSender) {
            case .success(let sender): draft.sender = sender
            case .failure(let reply): return fail(reply.reply)
            }
        }
        if session.authenticatedUser != nil, let sender = draft.sender,
           !session.allowedSenders.contains(where: { $0.localPart == sender.localPart && $0.domain == sender.domain }) {
            return fail(ServerReply.senderNotOwned)
        }
        // Postfix's rule: refused while the spool has less free space than its reserve, or than 1.5
        // times the declared SIZE (the SpoolRoom applies both), before any data is sent.
        if let room = config.spoolRoom, !room.hasRoom(for: draft.declaredSize ?? 0) {
            return fail(ServerReply.insufficientStorage)
        }
        transaction = draft
        send(ServerReply.senderOk)
    }

    mutating func rcpt(_ arg: String) {
        guard var draft = transaction else { return fail(ServerReply.needMail) }
        let path: ServerPathArgument
        switch ServerPathParser.parse(arg, prefix: "TO:") {
        case .success(let p): path = p
        case .failure(.syntax): return fail(ServerReply.syntax("RCPT TO:<address>"))
        case .failure(.tooLong): return fail(ServerReply.badRecipient)
        }
        if !session.esmtp && !path.parameters.isEmpty { return fail(ServerReply.paramsNeedEhlo) }
        guard !path.mailbox.isEmpty else { return fail(ServerReply.badRecipient) }
        // RFC 5321 §4.5.1 <postmaster>: a relay has no local mailboxes.
        if path.mailbox.lowercased() == "postmaster" { return fail(ServerReply.noPostmaster) }
        let address: MailAddress
        switch parseAddress(path.mailbox, utf8: draft.smtputf8, invalid: ServerReply.badRecipient) {
        case .success(let a): address = a
        case .failure(let reply): return fail(reply.reply)
        }
        var spec = RecipientSpec(address: address)
        if let reply = ServerMailParameters.apply(path.parameters, to: &spec) { return fail(reply) }
        // Not counted as an error: a big pipelined list must not end the session.
        guard draft.recipients.count < config.maxRecipients else { return send(ServerReply.tooManyRecipients) }
        guard config.clientIsTrusted || session.authenticatedUser != nil else {
            return fail(ServerReply.relayDenied(address))
        }
        draft.recipients.append(spec)
        transaction = draft
        send(ServerReply.recipientOk)
    }

    mutating func data(_ arg: String) {
        guard let draft = transaction else { return fail(ServerReply.needMail) }
        guard !draft.recipients.isEmpty else { return fail(ServerReply.needRcpt) }
        guard arg.isEmpty else { return fail(ServerReply.syntax("DATA")) }
        mode = .data(ServerDataReceiver(maxMessageSize: config.maxMessageSize,
                                        maxLineLength: config.maxDataLineLength,
                                        maxReceivedHeaders: config.maxReceivedHeaders,
                                        normalizeBareLF: config.bareNewline == .normalize))
        send(ServerReply.startData)
    }

    /// Acts on what the DATA receiver reported; false when more input is needed or input stops.
    mutating func endOfData(_ event: ServerDataEvent, receiver: ServerDataReceiver) -> Bool {
        switch event {
        case .needMore:
            return false
        case .bareNewline(let isCR):
            closeSession(with: ServerReply.bareNewline(config.hostname, isCR: isCR))
            return false
        case .finished(let rejection?):
            transaction = nil
            mode = .command
            switch rejection {
            case .tooBig: send(ServerReply.messageTooBig)
            case .lineTooLong: send(ServerReply.messageLineTooLong)
            case .tooManyHops: send(ServerReply.tooManyHops)
            }
            return true
        case .finished(nil):
            guard let draft = transaction, let helo = session.helo else {
                mode = .command  // unreachable: DATA needs both
                return true
            }
            transaction = nil
            mode = .awaitingCommit
            output.append(.commit(SMTPTransaction(
                helo: helo, protocolName: protocolName, sender: draft.sender, recipients: draft.recipients,
                bodyType: draft.bodyType, smtputf8: draft.smtputf8, requireTLS: draft.requireTLS,
                dsnReturn: draft.dsnReturn, envelopeID: draft.envelopeID,
                authenticatedUser: session.authenticatedUser, data: receiver.data)))
            return false
        }
    }

    /// The answer to .commit: 250 with the queue ID, or the error's reply. Resumes input.
    public mutating func commitResult(_ result: Result<QueueID, DeliveryError>) -> [SMTPServerAction] {
        guard case .awaitingCommit = mode else { return [] }
        mode = .command
        switch result {
        case .success(let id):
            send(ServerReply.queued(id))
        case .failure(let error):
            if let reply = error.reply {
                send(reply)
            } else if error.isPermanent {
                send(SMTPReply(554, error.status, error.message))
            } else {
                send(SMTPReply(451, error.status, error.message))
            }
        }
        processInput()
        return takeOutput()
    }

    struct AddressRejection: Error { var reply: SMTPReply }

    func parseAddress(_ text: String, utf8: Bool, invalid: SMTPReply) -> Result<MailAddress, AddressRejection> {
        do {
            return .success(try MailAddressParser.parse(text, allowUTF8: utf8))
        } catch MailAddressError.utf8NotAllowed {
            return .failure(AddressRejection(reply: ServerReply.utf8Address))
        } catch {
            return .failure(AddressRejection(reply: invalid))
        }
    }
}
