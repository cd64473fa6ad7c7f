// FakePickupService: a PortalPickupService for the web tests: sessions in a dictionary, one stored
// message, scripted errors, and a record of every call the routes make.

import Foundation
import MailCore
@testable import Portal

final class FakePickupService: PortalPickupService, @unchecked Sendable {
    private let lock = NSLock()
    let organisation = "Riverside Clinic"
    let messageID = PortalMessageID(bytes: Array(repeating: 7, count: 16))!
    let recipient = try! MailAddressParser.parse("patient@example.org", allowUTF8: true)
    var content: [UInt8]

    private var sessions: [String: PortalSessionState] = [:]
    private var tokens: [String: String] = [:]
    private var counter = 0

    // What the routes did.
    private(set) var arrivals: [(id: String, token: String)] = []
    private(set) var codeRequests = 0
    private(set) var verifiedCodes: [String] = []
    private(set) var opens = 0
    private(set) var downloads: [(part: String, contentType: String, size: Int)] = []
    private(set) var replies: [(body: String, attachments: [PortalUpload])] = []
    private(set) var revocations: [(id: String, token: String)] = []
    private(set) var passwordsSet = 0
    private(set) var loggedOut = 0

    // Scripted answers.
    var openError: PortalPickupError?
    var verifyError: PortalPickupError?
    var recipientHasPassword = false

    init(content: [UInt8]) { self.content = content }

    func locked<T>(_ body: () throws -> T) rethrows -> T { lock.lock(); defer { lock.unlock() }; return try body() }

    /// A session already in `state`, as the cookie a test sends.
    func session(in state: PortalSessionState) -> PortalSessionID {
        locked {
            counter += 1
            // Base32 letters only, as real session ids are: the counter's digits written as a–j.
            let letters = String(counter).compactMap { $0.wholeNumberValue }.map { Character(UnicodeScalar(UInt8(97 + $0))) }
            let id = "session" + String(letters)
            sessions[id] = state
            tokens[id] = "csrf-\(id)"
            return PortalSessionID(text: id)
        }
    }

    func state(_ s: PortalSessionID) -> PortalSessionState? { locked { sessions[s.text] } }

    func arriveByLink(id: String, token: String, client: String) async -> PortalSessionID {
        locked { arrivals.append((id, token)) }
        return session(in: .linked(PortalMessageID(id)))
    }

    func state(of session: PortalSessionID?) async -> PortalSessionState? {
        guard let session else { return nil }
        return state(session)
    }

    func requestCode(_ session: PortalSessionID, client: String) async throws -> PortalCodeReceipt {
        let expires = Date(timeIntervalSince1970: 1_800_000_000)
        try locked {
            codeRequests += 1
            guard case .linked(let id?)? = sessions[session.text] ?? nil else { throw PortalPickupError.invalidLink }
            sessions[session.text] = .codeSent(id, maskedAddress: "p***@example.org", expires: expires)
        } as Void
        return PortalCodeReceipt(maskedAddress: "p***@example.org", expires: expires)
    }

    func verifyCode(_ session: PortalSessionID, code: String, client: String) async throws -> PortalMessageID {
        try locked {
            verifiedCodes.append(code)
            if let verifyError { throw verifyError }
            guard case .codeSent(let id, _, _)? = sessions[session.text] else { throw PortalPickupError.invalidLink }
            sessions[session.text] = .reading(id)
            return id
        }
    }

    func openMessage(_ session: PortalSessionID, id: String, client: String) async throws -> PortalOpenedMessage {
        try locked {
            opens += 1
            if let openError { throw openError }
            guard let state = sessions[session.text], id == messageID.text else { throw PortalPickupError.invalidLink }
            switch state {
            case .reading(let held) where held == messageID: break
            case .inbox: break
            default: throw PortalPickupError.invalidLink
            }
            return PortalOpenedMessage(metadata: metadata, content: content)
        }
    }

    var metadata: PortalMessageMetadata {
        PortalMessageMetadata(id: messageID, queueID: QueueID(microseconds: 1_700_000_000_000_000, node: 1, random: 9),
                              sender: try? MailAddressParser.parse("doctor@clinic.example", allowUTF8: true), recipient: recipient,
                              createdAt: Date(timeIntervalSince1970: 1_700_000_000), expiresAt: Date(timeIntervalSince1970: 1_702_592_000),
                              size: content.count, state: .active)
    }

    func recordDownload(_ session: PortalSessionID, id: PortalMessageID, part: String, contentType: String, size: Int,
                        client: String) async {
        locked { downloads.append((part, contentType, size)) }
    }

    func hasPassword(_ session: PortalSessionID) async -> Bool { recipientHasPassword }

    func setPassword(_ session: PortalSessionID, password: String, confirm: String, client: String) async throws {
        try locked {
            guard password == confirm else { throw PortalPickupError.passwordMismatch }
            guard password.count >= 8 else { throw PortalPickupError.passwordTooShort }
            passwordsSet += 1
        } as Void
    }

    func login(address: String, password: String, client: String) async throws -> PortalSessionID {
        guard password == "correct horse" else { throw PortalPickupError.wrongPassword }
        return session(in: .inbox(recipient))
    }

    func inbox(_ session: PortalSessionID) async throws -> [PortalMessageMetadata] { [metadata] }

    func requestReset(address: String, client: String) async throws -> PortalSessionID {
        session(in: .resetCodeSent(maskedAddress: "p***@example.org"))
    }

    func completeReset(_ session: PortalSessionID, code: String, password: String, confirm: String, client: String) async throws {
        guard code == "12345678" else { throw PortalPickupError.wrongCode(remaining: 4) }
    }

    func sendReply(_ session: PortalSessionID, id: PortalMessageID, body: String, attachments: [PortalUpload],
                   client: String) async throws -> QueueID {
        locked { replies.append((body, attachments)) }
        return QueueID(microseconds: 1_700_000_000_000_001, node: 1, random: 10)
    }

    func revokeBySender(id: String, token: String, client: String) async throws {
        try locked {
            revocations.append((id, token))
            guard id == messageID.text, token == "sendertoken" else { throw PortalPickupError.invalidLink }
        } as Void
    }

    func csrfToken(_ session: PortalSessionID) async -> String? { locked { tokens[session.text] } }

    func checkCSRF(_ session: PortalSessionID?, _ token: String?) async -> Bool {
        guard let session, let token else { return false }
        return locked { tokens[session.text] == token }
    }

    func logout(_ session: PortalSessionID) async {
        locked { loggedOut += 1; sessions[session.text] = nil; tokens[session.text] = nil }
    }
}
