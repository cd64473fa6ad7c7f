// Fakes for the pickup tests: a store that counts its calls (over a real FilePortalStore), an inline
// executor, a mailer, a composer and an audit recorder that record what they get, a log that keeps lines.

import Audit
import Foundation
import Logging
import MailCore
import Portal

/// Runs blocking work where it is called (the tests have no thread pool).
struct InlineExecutor: PortalBlockingExecutor {
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T { try work() }
}

/// An executor that holds every job until `releaseAll()` (to see what runs concurrently).
final class HeldExecutor: PortalBlockingExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private var held: [CheckedContinuation<Void, Never>] = []
    var heldCount: Int { lock.withLock { held.count } }

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        await withCheckedContinuation { continuation in lock.withLock { held.append(continuation) } }
        return try work()
    }

    func releaseAll() {
        let all = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            defer { held.removeAll() }
            return held
        }
        all.forEach { $0.resume() }
    }

    /// Waits (up to about five seconds) until `count` jobs are held; false if they never are.
    func waitUntilHolding(_ count: Int) async -> Bool {
        for _ in 0..<5000 {
            if heldCount >= count { return true }
            try? await Task.sleep(nanoseconds: 1_000_000)
        }
        return heldCount >= count
    }
}

/// A lock-protected list the fakes append to.
final class Recorded<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []
    var all: [Element] { lock.withLock { items } }
    func append(_ item: Element) { lock.withLock { items.append(item) } }
    func removeAll() { lock.withLock { items.removeAll() } }
}

/// The real store, with every call's name recorded (so a test can say "nothing touched the store").
final class CountingStore: PortalStore, @unchecked Sendable {
    let inner: FilePortalStore
    let calls = Recorded<String>()

    init(_ inner: FilePortalStore) { self.inner = inner }

    private func note<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        calls.append(name)
        return try body()
    }

    func deposit(_ request: PortalDepositRequest) throws -> PortalDeposit { try note("deposit") { try inner.deposit(request) } }
    func metadata(of id: PortalMessageID) throws -> PortalMessageMetadata { try note("metadata") { try inner.metadata(of: id) } }
    func verifyLink(_ id: PortalMessageID, linkToken: PortalLinkToken) throws -> PortalMessageMetadata {
        try note("verifyLink") { try inner.verifyLink(id, linkToken: linkToken) }
    }
    func open(_ id: PortalMessageID, linkToken: PortalLinkToken) throws -> PortalOpenedMessage {
        try note("openByLink") { try inner.open(id, linkToken: linkToken) }
    }
    func noteView(_ id: PortalMessageID) throws -> PortalMessageMetadata { try note("noteView") { try inner.noteView(id) } }
    func hasPassword(_ recipient: MailAddress) throws -> Bool { try note("hasPassword") { try inner.hasPassword(recipient) } }
    func setPassword(_ password: String, opening id: PortalMessageID, linkToken: PortalLinkToken) throws -> PortalRecipientKey {
        try note("setPassword") { try inner.setPassword(password, opening: id, linkToken: linkToken) }
    }
    func joinInbox(_ id: PortalMessageID, linkToken: PortalLinkToken) throws {
        try note("joinInbox") { try inner.joinInbox(id, linkToken: linkToken) }
    }
    func resetPassword(_ recipient: MailAddress, newPassword: String) throws -> PortalRecipientKey {
        try note("resetPassword") { try inner.resetPassword(recipient, newPassword: newPassword) }
    }
    func unlock(_ recipient: MailAddress, password: String) throws -> PortalRecipientKey {
        try note("unlock") { try inner.unlock(recipient, password: password) }
    }
    func inbox(for key: PortalRecipientKey) throws -> [PortalMessageMetadata] { try note("inbox") { try inner.inbox(for: key) } }
    func open(_ id: PortalMessageID, with key: PortalRecipientKey) throws -> PortalOpenedMessage {
        try note("openByKey") { try inner.open(id, with: key) }
    }
    func revoke(_ id: PortalMessageID) throws -> PortalMessageMetadata? { try note("revoke") { try inner.revoke(id) } }
    func expire() throws -> [PortalMessageMetadata] { try note("expire") { try inner.expire() } }
    func list() throws -> [PortalListEntry] { try note("list") { try inner.list() } }
}

struct FakeMailError: Error {}

/// Records every submitted mail and answers with a fresh queue id (or fails when told to).
final class RecordingMailer: PortalMailer, @unchecked Sendable {
    let mails = Recorded<PortalOutgoingMail>()
    private let lock = NSLock()
    private var next: UInt32 = 1
    private var failing: Set<PortalMailKind> = []

    func failing(_ kinds: Set<PortalMailKind>) { lock.withLock { failing = kinds } }

    func submit(_ mail: PortalOutgoingMail) async throws -> QueueID {
        let (fail, n) = lock.withLock { () -> (Bool, UInt32) in
            next += 1
            return (failing.contains(mail.kind), next)
        }
        if fail { throw FakeMailError() }
        mails.append(mail)
        return QueueID(microseconds: 1_800_000_000_000_000 + UInt64(n), node: 2, random: n)
    }

    func of(_ kind: PortalMailKind) -> [PortalOutgoingMail] { mails.all.filter { $0.kind == kind } }
}

/// Writes each mail as a short text naming its kind, and keeps the facts (so tests read the code from them).
final class FakeComposer: PortalMailComposing, @unchecked Sendable {
    struct Code { var to: MailAddress; var code: String; var expires: Date; var purpose: PortalCodePurpose }
    let notices = Recorded<PortalNoticeFacts>()
    let senderCopies = Recorded<(PortalNoticeFacts, String)>()
    let codes = Recorded<Code>()
    let receipts = Recorded<PortalReceiptFacts>()
    let replies = Recorded<PortalReplyFacts>()

    func notice(_ facts: PortalNoticeFacts) throws -> [UInt8] { notices.append(facts); return mail("notice", facts.recipient) }
    func senderCopy(_ facts: PortalNoticeFacts, revokeURL: String) throws -> [UInt8] {
        senderCopies.append((facts, revokeURL))
        return mail("sender-copy", facts.sender)
    }
    func code(to recipient: MailAddress, code: String, expires: Date, purpose: PortalCodePurpose) throws -> [UInt8] {
        codes.append(Code(to: recipient, code: code, expires: expires, purpose: purpose))
        return mail("code", recipient)
    }
    func readReceipt(_ facts: PortalReceiptFacts) throws -> [UInt8] { receipts.append(facts); return mail("receipt", facts.sender) }
    func reply(_ facts: PortalReplyFacts) throws -> [UInt8] { replies.append(facts); return mail("reply", facts.to) }

    var lastCode: String? { codes.all.last?.code }

    private func mail(_ kind: String, _ to: MailAddress?) -> [UInt8] {
        Array("To: \(to.map(\.description) ?? "")\r\nSubject: \(kind)\r\n\r\n\(kind)\r\n".utf8)
    }
}

struct FakeAuditError: Error {}

/// Keeps every audit event; can be told to refuse them.
final class RecordingAudit: AuditRecorder, @unchecked Sendable {
    let events = Recorded<AuditEvent>()
    private let lock = NSLock()
    private var refusing = false

    func refuse(_ refuse: Bool) { lock.withLock { refusing = refuse } }

    func record(_ event: AuditEvent) throws {
        if lock.withLock({ refusing }) { throw FakeAuditError() }
        events.append(event)
    }

    var portal: [PortalEvent] { events.all.compactMap { if case .portal(let e) = $0 { return e } else { return nil } } }
    var kinds: [PortalEvent.Kind] { portal.map(\.kind) }
    func of(_ kind: PortalEvent.Kind) -> [PortalEvent] { portal.filter { $0.kind == kind } }
    /// Every event as its stored JSON text.
    var texts: [String] { events.all.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) } }
}

/// A log handler that keeps every line with its metadata, so tests can search what was logged.
struct RecordingLogHandler: LogHandler {
    let lines: Recorded<String>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append("\(event.level) \(event.message) \(event.metadata ?? [:])")
    }
}
