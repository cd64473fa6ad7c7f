// AuditFacade: the audit store (SQLite, or PostgreSQL for several nodes) as `sealgate audit query|message|
// summary|verify|init-db` and the offline commands use it: filtered records, one message's story,
// totals, the chain check (per node on PostgreSQL), the PostgreSQL schema, offline admin records.

import Audit
import Foundation
import MailCore

public struct AuditFacade {
    let config: GatewayConfig

    public init(config: GatewayConfig) { self.config = config }

    /// `sealgate audit query`: the records every filter selects, in chain order, in `format`.
    public func query(_ filters: AuditFilters, format: AuditOutputFormat) throws -> String {
        let query = try filters.query()
        let handle = try open()
        defer { handle.close() }
        return AuditOutput.render(try handle.store.records(matching: query), as: format)
    }

    /// `sealgate audit message ID`: every record of the message with this queue ID, or of every
    /// message with this Message-ID header, in chain order: Received-style lines, or JSON lines.
    /// Throws `InvalidInput` when nothing is on record for `id`.
    public func message(_ id: String, json: Bool) throws -> String {
        let handle = try open()
        defer { handle.close() }
        let store = handle.store
        var records: [AuditRecord] = []
        if let queueID = QueueID(id) { records = try store.records(queueID: queueID) }
        if records.isEmpty {
            var byMessageID = AuditQuery()
            byMessageID.messageID = id
            records = try store.records(matching: byMessageID)
        }
        guard !records.isEmpty else { throw InvalidInput("no audit records for \(id) (neither a queue ID nor a Message-ID on record)") }
        if json { return AuditOutput.render(records, as: .json) }
        return records.map { AuditRendering.receivedStyleLine($0, localHostname: config.hostname) + "\n" }.joined()
    }

    /// `sealgate audit summary`: the delivery records between `since` and `until`, counted.
    public func summary(since: String, until: String?, by: String?, json: Bool) throws -> String {
        var filters = AuditFilters()
        filters.since = since; filters.until = until
        var query = try filters.query()
        let grouping = try by.map { text -> AuditSummary.Grouping in
            guard let g = AuditSummary.Grouping(rawValue: text.lowercased()) else {
                throw AuditFilters.unknown("--by", text, AuditSummary.Grouping.allCases.map(\.rawValue))
            }
            return g
        }
        query.events = AuditSummary.countedEvents
        let handle = try open()
        defer { handle.close() }
        let summary = AuditSummary(records: try handle.store.records(matching: query), by: grouping)
        if json { return AuditSummaryOutput.json(summary, by: grouping, since: query.since, until: query.until) }
        return AuditSummaryOutput.table(summary, by: grouping)
    }

    /// Recomputes the hash chain over every record, and says how many records wait in the outbox
    /// (not in the chain yet, so neither checked nor shown by `query`).
    /// On PostgreSQL: one line per node (its first broken link, if any) and one per quoted head that
    /// a node's chain no longer reaches; this node's outbox is counted as on SQLite.
    public func verify() throws -> ChainCheck {
        let handle = try open()
        defer { handle.close() }
        let waiting = try AuditOutbox.waitingRecords(at: config.auditOutboxPath)
        let note = waiting == 0 ? "" : "\n\(waiting) record(s) wait in \(config.auditOutboxPath), not yet in the chain"
        let pinned = try AuditSigningKey.existing(path: config.auditSigningKeyPath)?.publicKey
        let checkpoints = try checkpointLines(handle, pinned: pinned)
        if let postgres = handle.postgres {
            let result = try postgres.verifyNodes(pinnedKey: pinned)
            return ChainCheck(text: result.description + (result.isIntact ? checkpoints : "") + note, intact: result.isIntact)
        }
        let result = try (handle.store as? SQLiteAuditStore)?.verifyChain(pinnedKey: pinned) ?? handle.store.verifyChain()
        return ChainCheck(text: "\(result)" + (result.isIntact ? checkpoints : "") + note, intact: result.isIntact)
    }

    /// `sealgate audit init-db`: creates the PostgreSQL tables (idempotent) as `owner` (a URL with
    /// owner rights; default: audit.store's own), and grants `role` SELECT and INSERT when given.
    public func initDatabase(ownerURL: String?, ownerPasswordFile: String?, grantTo role: String?) throws -> String {
        guard case .postgresql(let settings) = config.auditStore else {
            throw AuditError.unsupportedStoreURL("init-db needs audit.store: postgresql://… (SQLite makes its schema itself)")
        }
        let location = try ownerURL.map(PostgresLocation.parse) ?? settings.location
        let password = try ownerPasswordFile.map(PostgresLocation.readPassword(file:)) ?? (ownerURL == nil ? try settings.password() : nil)
        let handle = try AuditStoreHandle(postgres: settings, location: location, password: password, config: config)
        defer { handle.close() }
        try handle.postgres?.initializeSchema(grantTo: role)
        return "audit schema ready in \(location.description)" + (role.map { "; \($0) may SELECT and INSERT" } ?? "")
    }

    /// Records an admin action with the daemon stopped (this process is the one writer), through the
    /// daemon's outbox file: records that wait there from before are appended first, and a record the
    /// store refuses waits there too. Throws when the store cannot be opened or nothing could keep it.
    @discardableResult
    func recordAdmin(actor: String, action: String, queueID: QueueID?, detail: String? = nil,
                     hold: LegalHold? = nil) throws -> OfflineAudit {
        let notes = OfflineAudit.Notes()
        let handle = try open()
        defer { handle.close() }
        let outbox = try AuditOutbox(store: handle.store, path: config.auditOutboxPath, clock: SystemClock(), log: notes.add)
        outbox.drain()
        try outbox.record(.adminAction(AdminEvent(actor: actor, action: action, queueID: queueID, detail: detail,
                                                         hold: hold)))
        return OfflineAudit(waiting: outbox.waiting, outboxPath: outbox.path, log: notes.lines)
    }

    func open() throws -> AuditStoreHandle { try AuditStoreHandle(config: config) }
}

/// The outcome of `sealgate audit verify`: the verifier's own words and whether the chain holds.
public struct ChainCheck: Equatable {
    public let text: String
    public let intact: Bool
}

/// What an offline admin record came to: how many records still wait in the outbox (this one among
/// them when the store refused it) and the outbox's log lines.
struct OfflineAudit {
    let waiting: Int
    let outboxPath: String
    let log: [String]

    /// For the command's output when records wait: how many, where, and the store's last error.
    var note: String? {
        guard waiting > 0 else { return nil }
        return "audit: \(waiting) record(s) wait in \(outboxPath) until the store works (the next offline"
            + " command or the daemon appends them)" + (log.last.map { "\n" + $0 } ?? "")
    }

    final class Notes: @unchecked Sendable {
        private let lock = NSLock()
        private var _lines: [String] = []
        var lines: [String] { lock.withLock { _lines } }
        func add(_ line: String) { lock.withLock { _lines.append(line) } }
    }
}

extension GatewayConfig {
    /// The audit outbox beside the store, the same file for the daemon and the offline commands.
    var auditOutboxPath: String {
        switch auditStore {
        case .sqlite(let path): return path + ".outbox"
        case .postgresql(let settings): return settings.outboxPath
        }
    }
}
