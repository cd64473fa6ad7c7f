// Test harness for the server state machine: feeds input in chosen chunks, answers .commit and
// .verifyCredentials automatically (or not), and records every action for assertions.

import MailCore
import NIOCore
import SMTPProtocol
import XCTest

let testQueueID = QueueID(microseconds: 1_700_000_000_000_000, node: 7, random: 42)

func address(_ text: String) -> MailAddress {
    // Test inputs are literals known to be valid; a failure shows up as a mismatch, not a crash.
    (try? MailAddressParser.parse(text, allowUTF8: true)) ?? MailAddress(localPart: "invalid", domain: .ipv4("0.0.0.0"))
}

func testConfig(trusted: Bool = true, auth: AuthMode = .none, starttls: Bool = true,
                bareNewline: BareNewlinePolicy = .reject, maxSize: Int = 10_000, maxRecipients: Int = 5,
                maxDataLine: Int = 1000, maxReceived: Int = 50) -> SMTPServerConfig {
    SMTPServerConfig(hostname: "gw.example.test", maxMessageSize: maxSize, maxRecipients: maxRecipients,
                     maxDataLineLength: maxDataLine, starttlsAvailable: starttls, auth: auth,
                     clientIsTrusted: trusted, bareNewline: bareNewline, maxReceivedHeaders: maxReceived)
}

struct ServerHarness {
    var machine: SMTPServerStateMachine
    var actions: [SMTPServerAction] = []
    var autoAnswer = true
    var commitAnswer: Result<QueueID, DeliveryError> = .success(testQueueID)
    /// user -> (password, allowed senders)
    var users: [String: (String, [MailAddress])] = ["alice": ("s3cret", [address("alice@example.org")])]
    var authAnswerOverride: AuthResult?

    init(_ config: SMTPServerConfig = testConfig(), tls: Bool = false, greet: Bool = true) {
        machine = SMTPServerStateMachine(config: config, tlsActive: tls)
        if greet { absorb(machine.start()) }
    }

    mutating func feed(_ text: String) { feed(bytes: Array(text.utf8)) }

    mutating func feed(bytes: [UInt8]) {
        absorb(machine.receive(ByteBuffer(bytes: bytes)))
    }

    /// Feeds `bytes` in pieces cut at `cuts` (offsets, ascending).
    mutating func feed(bytes: [UInt8], cuts: [Int]) {
        var start = 0
        for cut in cuts + [bytes.count] where cut >= start {
            feed(bytes: Array(bytes[start..<cut]))
            start = cut
        }
    }

    mutating func absorb(_ new: [SMTPServerAction]) {
        var queue = new[...]
        while let action = queue.popFirst() {
            actions.append(action)
            guard autoAnswer else { continue }
            switch action {
            case .commit:
                queue += machine.commitResult(commitAnswer)
            case .verifyCredentials(_, let user, let password):
                let result = authAnswerOverride ?? (users[user].map { $0.0 == password ? .success(user: user, allowedSenders: $0.1) : .failure } ?? .failure)
                queue += machine.authenticationResult(result)
            case .startTLS:
                queue += machine.tlsEstablished()
            default:
                break
            }
        }
    }

    var replies: [SMTPReply] {
        actions.compactMap { if case .send(let r) = $0 { return r } else { return nil } }
    }
    var codes: [Int] { replies.map(\.code) }
    var lastReply: SMTPReply? { replies.last }
    var commits: [SMTPTransaction] {
        actions.compactMap { if case .commit(let t) = $0 { return t } else { return nil } }
    }
    var closed: Bool { actions.contains(.close) }

    /// Clears recorded actions (keeps the machine).
    mutating func reset() { actions.removeAll() }
}

func base64(_ text: String) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    let bytes = Array(text.utf8)
    var out = ""
    var i = 0
    while i < bytes.count {
        let chunk = Array(bytes[i..<min(i + 3, bytes.count)])
        let n = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
        for j in 0..<4 {
            out.append(j <= chunk.count ? table[(n >> (18 - 6 * j)) & 63] : "=")
        }
        i += 3
    }
    return out
}

func status(_ reply: SMTPReply?) -> String { reply?.status?.description ?? "none" }
