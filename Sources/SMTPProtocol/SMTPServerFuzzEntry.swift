// One fuzz input for the server state machine (framer, command parser, transaction): the bytes fed
// whole and again cut up; shared by the libFuzzer target (Tests/Fuzz) and the corpus replay test.

import MailCore
import NIOCore

public enum SMTPServerFuzzEntry {
    public struct Outcome: Sendable, Equatable {
        public var replies: [SMTPReply] = []
        public var commits = 0
        public var startedTLS = false
        public var closed = false
    }

    /// Runs the session twice (one chunk, then cut by FuzzCuts) and traps if the replies differ
    /// when no STARTTLS intervened (after STARTTLS, buffered plaintext is discarded by design).
    public static func run(_ bytes: [UInt8]) -> Outcome {
        let flags = FuzzCuts.hash(bytes)
        let config = SMTPServerConfig(hostname: "mx.fuzz.test", maxMessageSize: 4096, maxRecipients: 5,
                                      starttlsAvailable: flags & 1 != 0,
                                      auth: flags & 2 != 0 ? .optional : .none,
                                      clientIsTrusted: flags & 0x24 != 0x24,  // untrusted one time in four: relay refused
                                      bareNewline: flags & 8 != 0 ? .normalize : .reject,
                                      maxErrors: 10)
        let tlsActive = flags & 16 != 0
        let whole = session(config: config, tlsActive: tlsActive, chunks: [bytes[...]])
        let cut = session(config: config, tlsActive: tlsActive, chunks: FuzzCuts.chunks(bytes, seed: flags >> 8))
        if !whole.startedTLS, !cut.startedTLS {
            precondition(whole == cut, "replies depend on where the input was cut")
        }
        return cut
    }

    static func session(config: SMTPServerConfig, tlsActive: Bool, chunks: [ArraySlice<UInt8>]) -> Outcome {
        var machine = SMTPServerStateMachine(config: config, tlsActive: tlsActive)
        var outcome = Outcome()
        handle(machine.start(), &machine, &outcome)
        for chunk in chunks where !machine.isClosed {
            handle(machine.receive(ByteBuffer(bytes: chunk)), &machine, &outcome)
        }
        handle(machine.shutdown(), &machine, &outcome)
        outcome.closed = machine.isClosed
        return outcome
    }

    /// Answers what the machine asks for (credentials, commits, TLS) as the NIO handler would.
    static func handle(_ actions: [SMTPServerAction], _ machine: inout SMTPServerStateMachine, _ outcome: inout Outcome) {
        var pending = actions
        while !pending.isEmpty {
            let action = pending.removeFirst()
            switch action {
            case .send(let reply):
                outcome.replies.append(reply)
            case .close:
                break
            case .startTLS:
                outcome.startedTLS = true
                pending += machine.tlsEstablished()
            case .verifyCredentials(_, _, let password):
                pending += machine.authenticationResult(password == "secret"
                    ? .success(user: "fuzz", allowedSenders: []) : .failure)
            case .commit:
                outcome.commits += 1
                let id = QueueID(microseconds: UInt64(outcome.commits), node: 1, random: 7)
                pending += machine.commitResult(outcome.commits % 5 == 0 ? .failure(DeliveryError(EnhancedStatus(4, 3, 0), "fuzz")) : .success(id))
            }
        }
    }
}
