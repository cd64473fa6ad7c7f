// The ESMTP server as a value: bytes in, actions out, no I/O. This file holds the session state,
// the public entry points and the input loop; commands live in the SMTPServerStateMachine+* files.

import MailCore
import NIOCore

public struct SMTPServerStateMachine: Sendable {
    /// Who owns the input bytes right now.
    enum Mode {
        case command
        /// A command line overflowed its limit: discard to the next LF, then answer 500.
        case drainingLongLine
        case authResponse(ServerAuthStep)
        case data(ServerDataReceiver)
        case awaitingAuthResult
        case awaitingCommit
        /// 220 sent to STARTTLS: input is discarded until tlsEstablished().
        case awaitingTLS
        case closed
    }

    let config: SMTPServerConfig
    var tlsActive: Bool
    var mode: Mode = .command
    var input = ByteBuffer()
    var output: [SMTPServerAction] = []
    var session = ServerSessionState()
    var transaction: ServerTransactionDraft?
    var errorCount = 0
    var shuttingDown = false

    public init(config: SMTPServerConfig, tlsActive: Bool) {
        self.config = config
        self.tlsActive = tlsActive
    }

    /// True between transactions: no MAIL accepted yet, no DATA, nothing awaited.
    public var isIdle: Bool {
        guard transaction == nil else { return false }
        switch mode {
        case .command, .drainingLongLine: return true
        default: return false
        }
    }

    /// True while a message body is being received (RFC 5321 §4.5.3.2 gives DATA its own timeouts).
    public var isReceivingData: Bool {
        if case .data = mode { return true }
        return false
    }

    public var isClosed: Bool {
        if case .closed = mode { return true }
        return false
    }

    /// The 220 greeting.
    public mutating func start() -> [SMTPServerAction] {
        guard case .command = mode else { return [] }
        return [.send(ServerReply.greeting(config.hostname))]
    }

    /// Feeds bytes as they arrive, split anywhere; complete commands are answered in order.
    public mutating func receive(_ bytes: ByteBuffer) -> [SMTPServerAction] {
        switch mode {
        case .closed, .awaitingTLS:
            return []  // after STARTTLS, plaintext is never looked at (RFC 3207 §5)
        default:
            var bytes = bytes
            input.writeBuffer(&bytes)
            processInput()
            return takeOutput()
        }
    }

    /// The TLS handshake that followed STARTTLS completed: forget everything, require EHLO again.
    public mutating func tlsEstablished() -> [SMTPServerAction] {
        guard case .awaitingTLS = mode else { return [] }
        tlsActive = true
        session = ServerSessionState()
        transaction = nil
        input.clear()
        mode = .command
        if shuttingDown { closeSession(with: ServerReply.shuttingDown(config.hostname)) }
        return takeOutput()
    }

    public mutating func timedOut() -> [SMTPServerAction] {
        if case .closed = mode { return [] }
        closeSession(with: ServerReply.timeout(config.hostname))
        return takeOutput()
    }

    /// The server is stopping. Between transactions the session ends now with 421; a message
    /// being received (or committed, or an AUTH being checked) is finished first.
    public mutating func shutdown() -> [SMTPServerAction] {
        shuttingDown = true
        switch mode {
        case .closed, .data, .awaitingCommit, .awaitingAuthResult:
            return []
        case .awaitingTLS:
            mode = .closed
            return [.close]
        case .command, .drainingLongLine, .authResponse:
            closeSession(with: ServerReply.shuttingDown(config.hostname))
            return takeOutput()
        }
    }

    // MARK: - Input loop

    mutating func processInput() {
        defer { compactInput() }
        while true {
            if shuttingDown, isAtCommandBoundary {
                closeSession(with: ServerReply.shuttingDown(config.hostname))
                return
            }
            switch mode {
            case .command:
                let frame = ServerCommandFramer.next(from: &input, limit: config.maxCommandLineLength, authLimit: false)
                guard handle(frame, authStep: nil) else { return }
            case .authResponse(let step):
                let frame = ServerCommandFramer.next(from: &input, limit: config.maxCommandLineLength, authLimit: true)
                guard handle(frame, authStep: step) else { return }
            case .drainingLongLine:
                guard ServerCommandFramer.drainLine(&input) else { return }
                mode = .command
                fail(ServerReply.lineTooLong)
            case .data(var receiver):
                mode = .closed  // drop the enum's copy so the receiver's buffer is not copied on write
                let event = receiver.consume(&input)
                mode = .data(receiver)
                guard endOfData(event, receiver: receiver) else { return }
            case .awaitingAuthResult, .awaitingCommit, .awaitingTLS, .closed:
                return
            }
        }
    }

    /// Releases consumed input so a long session or a large message does not keep it all.
    private mutating func compactInput() {
        if input.readableBytes == 0 {
            input.clear()
        } else if input.readerIndex >= 65536 {
            input.discardReadBytes()
        }
    }

    private var isAtCommandBoundary: Bool {
        switch mode {
        case .command, .drainingLongLine, .authResponse: return true
        default: return false
        }
    }

    /// Acts on one framed command line; false when more input is needed.
    private mutating func handle(_ frame: ServerCommandFrame, authStep: ServerAuthStep?) -> Bool {
        switch frame {
        case .needMore:
            return false
        case .tooLongUnterminated:
            mode = .drainingLongLine
        case .tooLong:
            mode = .command
            fail(ServerReply.lineTooLong)
        case .line(let bytes, let bareLF):
            if bareLF && config.bareNewline == .reject {
                closeSession(with: ServerReply.bareNewline(config.hostname, isCR: false))
                return false
            }
            let text = String(decoding: bytes, as: UTF8.self)
            // Control characters (NUL, a bare CR, ESC …; TAB is allowed) are refused: an EHLO name or
            // address with a bare CR would reach the Received header, where some readers end the line.
            guard Array(text.utf8) == bytes, !bytes.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
                mode = .command
                fail(ServerReply.badCharacters)
                return true
            }
            if let authStep {
                mode = .command
                authResponse(text, step: authStep)
            } else {
                command(ServerCommandLine(text))
            }
        }
        return true
    }

    // MARK: - Output helpers

    mutating func takeOutput() -> [SMTPServerAction] {
        defer { output.removeAll() }
        return output
    }

    mutating func send(_ reply: SMTPReply) {
        output.append(.send(reply))
    }

    /// Sends an error reply to a command, closing the session once too many have been sent.
    mutating func fail(_ reply: SMTPReply) {
        send(reply)
        errorCount += 1
        if errorCount >= config.maxErrors {
            closeSession(with: ServerReply.tooManyErrors(config.hostname))
        }
    }

    mutating func closeSession(with reply: SMTPReply) {
        send(reply)
        output.append(.close)
        mode = .closed
        transaction = nil
        input.clear()
    }
}

/// What the session knows outside a mail transaction; reset by STARTTLS.
struct ServerSessionState {
    var helo: String?
    var esmtp = false
    var authenticatedUser: String?
    var allowedSenders: [MailAddress] = []
    var authFailures = 0
}

/// MAIL FROM and RCPT TO collected so far.
struct ServerTransactionDraft {
    var sender: MailAddress?
    var recipients: [RecipientSpec] = []
    var bodyType: BodyType = .sevenBit
    var smtputf8 = false
    var requireTLS = false
    var dsnReturn: DSNReturn?
    var envelopeID: String?
    /// The SIZE parameter of MAIL FROM (RFC 1870), if the client gave one.
    var declaredSize: Int?
}

enum ServerAuthStep: Equatable {
    case plain
    case loginUsername
    case loginPassword(username: String)
}
