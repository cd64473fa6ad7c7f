// AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms: only over TLS, initial
// responses or 334 continuations, "*" to cancel; credentials go out as .verifyCredentials.

import MailCore

extension SMTPServerStateMachine {
    mutating func auth(_ arg: String) {
        guard config.auth != .none else { return fail(ServerReply.authDisabled) }
        guard tlsActive else { return fail(ServerReply.starttlsFirst) }
        guard session.esmtp else { return fail(ServerReply.sendEhloFirst) }
        guard session.authenticatedUser == nil else { return fail(ServerReply.alreadyAuthenticated) }
        guard transaction == nil else { return fail(ServerReply.authInTransaction) }
        let words = arg.split(separator: " ", omittingEmptySubsequences: true)
        guard let mechanism = words.first?.uppercased(), words.count <= 2 else {
            return fail(ServerReply.syntax("AUTH mechanism [initial-response]"))
        }
        let initial = words.count == 2 ? String(words[1]) : nil
        switch mechanism {
        case "PLAIN":
            if let initial {
                authResponse(initial, step: .plain)
            } else {
                mode = .authResponse(.plain)
                send(ServerReply.emptyChallenge)
            }
        case "LOGIN":
            if let initial {
                authResponse(initial, step: .loginUsername)
            } else {
                mode = .authResponse(.loginUsername)
                send(ServerReply.usernameChallenge)
            }
        default:
            fail(ServerReply.unknownMechanism)
        }
    }

    /// One base64 SASL response (an initial response or a line after 334).
    mutating func authResponse(_ line: String, step: ServerAuthStep) {
        mode = .command
        if line == "*" { return fail(ServerReply.authCancelled) }
        // RFC 4954 §4: "=" is an empty initial response.
        guard let bytes = line == "=" ? [] : ServerBase64.decode(line) else { return fail(ServerReply.badBase64) }
        switch step {
        case .plain:
            guard let (authzid, user, password) = Self.splitPlain(bytes) else {
                return fail(ServerReply.badAuthResponse)
            }
            // No proxy authorization: an authzid, if given, must name the same user.
            guard authzid.isEmpty || authzid == user else { return authFailed() }
            verify(mechanism: "PLAIN", username: user, password: password)
        case .loginUsername:
            guard let user = Self.utf8(bytes), !user.isEmpty else { return fail(ServerReply.badAuthResponse) }
            mode = .authResponse(.loginPassword(username: user))
            send(ServerReply.passwordChallenge)
        case .loginPassword(let user):
            guard let password = Self.utf8(bytes) else { return fail(ServerReply.badAuthResponse) }
            verify(mechanism: "LOGIN", username: user, password: password)
        }
    }

    /// The answer to .verifyCredentials. Resumes input.
    public mutating func authenticationResult(_ result: AuthResult) -> [SMTPServerAction] {
        guard case .awaitingAuthResult = mode else { return [] }
        mode = .command
        switch result {
        case .success(let user, let allowedSenders):
            session.authenticatedUser = user
            session.allowedSenders = allowedSenders
            send(ServerReply.authSuccess)
        case .failure:
            authFailed()
        case .temporaryFailure:
            send(ServerReply.authTempFail)
        }
        processInput()
        return takeOutput()
    }

    private mutating func verify(mechanism: String, username: String, password: String) {
        mode = .awaitingAuthResult
        output.append(.verifyCredentials(mechanism: mechanism, username: username, password: password))
    }

    private mutating func authFailed() {
        session.authFailures += 1
        fail(ServerReply.authFailed)
        if session.authFailures >= config.maxAuthFailures, !isClosed {
            closeSession(with: ServerReply.tooManyAuthFailures(config.hostname))
        }
    }

    /// PLAIN: authzid NUL authcid NUL passwd, all UTF-8, authcid and passwd non-empty.
    static func splitPlain(_ bytes: [UInt8]) -> (String, String, String)? {
        let parts = bytes.split(separator: 0, omittingEmptySubsequences: false)
        guard parts.count == 3, let authzid = utf8(Array(parts[0])), let user = utf8(Array(parts[1])),
              let password = utf8(Array(parts[2])), !user.isEmpty, !password.isEmpty else { return nil }
        return (authzid, user, password)
    }

    static func utf8(_ bytes: [UInt8]) -> String? {
        guard !bytes.contains(0) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        return Array(text.utf8) == bytes ? text : nil
    }
}
