// AuditFacade's retention: legal holds (`sealgate audit hold add|list|remove`, kept as admin records in
// the chain) and `sealgate audit prune [--dry-run]`, which replaces the expired, unheld prefix of the
// chain (this node's chain on PostgreSQL) with a checkpoint signed by audit.signing_key.

import Audit
import Crypto
import Foundation
import MailCore

extension AuditFacade {
    /// `audit hold add`: checks the value as `audit query` would, then records the hold (through the
    /// daemon when it runs). A hold that could not be recorded does not exist: that throws.
    public func addHold(scope name: String, value: String, reason: String?, actor: String) throws -> String {
        guard let scope = LegalHold.Scope(rawValue: name) else { throw InvalidInput("unknown hold scope \(name)") }
        let hold = LegalHold(id: LegalHold.newID(), scope: scope, value: try Self.normalized(scope, value),
                             reason: reason.flatMap { $0.isEmpty ? nil : $0 })
        let covered = try heldRecords([hold]).count
        try recordHold(.holdAdd, hold, actor: actor)
        return "\(hold.id): holding \(scope.rawValue) \(hold.value) (\(covered) record(s) on record now, and every later one)"
    }

    /// `audit hold remove ID`.
    public func removeHold(id: String, actor: String) throws -> String {
        guard let hold = try holds().first(where: { $0.id == id }) else { throw InvalidInput("no legal hold \(id) in force") }
        try recordHold(.holdRemove, hold, actor: actor)
        return "\(hold.id): removed (\(hold.scope.rawValue) \(hold.value))"
    }

    /// `audit hold list [--json]`: the holds in force, oldest first.
    public func listHolds(json: Bool) throws -> String {
        let holds = try holds()
        if json {
            return holds.map { AuditOutput.jsonLine(AuditRendering.holdObject($0)) + "\n" }.joined()
        }
        guard !holds.isEmpty else { return "no legal holds\n" }
        return holds.map { "\($0.id)  \($0.scope.rawValue) \($0.value)" + ($0.reason.map { "  reason: \($0)" } ?? "") + "\n" }.joined()
    }

    /// The holds in force, from the chain (every node's on PostgreSQL).
    public func holds() throws -> [LegalHold] {
        let handle = try open()
        defer { handle.close() }
        return try Self.holds(in: handle.store)
    }

    static func holds(in store: any AuditQuerying) throws -> [LegalHold] {
        LegalHolds.inForce(checkpoints: try store.records(matching: AuditQuery(event: "audit_checkpoint")),
                           admin: try store.records(matching: AuditQuery(event: "admin_action")))
    }

    /// `audit prune [--dry-run]`: the lines to print. Without `audit.retention` nothing is ever pruned.
    /// On PostgreSQL `ownerURL` (and its password file) names a role that may DELETE (the table's owner).
    public func prune(dryRun: Bool, ownerURL: String?, ownerPasswordFile: String?, actor: String, now: Date = Date()) throws -> String {
        guard let retention = config.auditRetention else {
            return "audit.retention is not configured: every record is kept forever; nothing to prune\n"
        }
        let handle: AuditStoreHandle
        if case .postgresql(let settings) = config.auditStore, ownerURL != nil || ownerPasswordFile != nil {
            let location = try ownerURL.map(PostgresLocation.parse) ?? settings.location
            let password = try ownerPasswordFile.map(PostgresLocation.readPassword(file:)) ?? (ownerURL == nil ? try settings.password() : nil)
            handle = try AuditStoreHandle(postgres: settings, location: location, password: password, config: config)
        } else {
            if ownerURL != nil || ownerPasswordFile != nil { throw InvalidInput("--as and --password-file are for a PostgreSQL audit store") }
            handle = try open()
        }
        defer { handle.close() }
        let holds = try Self.holds(in: handle.store)
        let held = try heldRecords(holds, in: handle.store)
        let sqlite = handle.postgres == nil
        let heldBy: @Sendable (String, Int64) -> String? = { node, sequence in held[sqlite ? "/\(sequence)" : "\(node)/\(sequence)"] }
        let key = dryRun ? Curve25519.Signing.PrivateKey() : try AuditSigningKey.loadOrCreate(path: config.auditSigningKeyPath)
        let pinned = try AuditSigningKey.existing(path: config.auditSigningKeyPath)?.publicKey
        let plan: PrunePlan
        do {
            plan = try handle.store.prune(retention: retention, heldBy: heldBy, holds: holds, key: key, pinnedKey: pinned,
                                          now: now, dryRun: dryRun)
        } catch let error as PostgresAuditError where ownerURL == nil {
            throw PostgresAuditError.server("\(error) (pruning needs the table's owner: pass --as postgresql://OWNER@… and --password-file)")
        }
        var out = plan.line(dryRun: dryRun) + "\n"
        if !holds.isEmpty { out += "\(holds.count) legal hold(s) in force, \(held.count) record(s) held\n" }
        guard !dryRun, plan.checkpoint != nil else { return out }
        out += "checkpoint signed by \(AuditSigningKey.fingerprint(key.publicKey))\n"
        switch AdminAudit(config: config, actor: actor).pruned(plan.line(dryRun: false)) {
        case .recorded(let note): if let note { out += note + "\n" }
        case .notRecorded(let error): throw PruneNotAudited(description: "the prune was made but not audited: \(error)")
        }
        return out
    }

    /// Records held, keyed `node/sequence` (`/sequence` on SQLite), to the hold's ID.
    func heldRecords(_ holds: [LegalHold]) throws -> [String: String] {
        guard !holds.isEmpty else { return [:] }
        let handle = try open()
        defer { handle.close() }
        return try heldRecords(holds, in: handle.store)
    }

    private func heldRecords(_ holds: [LegalHold], in store: any AuditQuerying) throws -> [String: String] {
        var held: [String: String] = [:]
        let sqlite: Bool = { if case .sqlite = config.auditStore { return true } else { return false } }()
        for hold in holds {
            for record in try store.records(matching: try Self.query(hold)) {
                let key = sqlite ? "/\(record.sequence)" : "\(record.node)/\(record.sequence)"
                if held[key] == nil { held[key] = hold.id }
            }
        }
        return held
    }

    /// The records a hold covers: the same selection as `audit query --queue-id/--message-id`,
    /// `--sender`, `--recipient` or `--domain` with its value.
    static func query(_ hold: LegalHold) throws -> AuditQuery {
        var filters = AuditFilters()
        switch hold.scope {
        case .message:
            if QueueID(hold.value) != nil { filters.queueID = hold.value } else { filters.messageID = hold.value }
        case .sender: filters.sender = hold.value
        case .recipient: filters.recipient = hold.value
        case .domain: filters.domain = hold.value
        }
        return try filters.query()
    }

    private static func normalized(_ scope: LegalHold.Scope, _ value: String) throws -> String {
        let probe = LegalHold(id: "", scope: scope, value: value.trimmingCharacters(in: .whitespaces))
        let query = try query(probe)
        switch scope {
        case .message: return probe.value
        case .sender:
            if case .address(let a) = query.sender { return a.description }
            return "<>"
        case .recipient: return query.recipient?.description ?? probe.value
        case .domain: return query.domain ?? probe.value
        }
    }

    private func recordHold(_ action: AdminAction, _ hold: LegalHold, actor: String) throws {
        switch AdminAudit(config: config, actor: actor).hold(action, hold) {
        case .recorded(let note): if let note { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        case .notRecorded(let error): throw PruneNotAudited(description: "the hold could not be recorded, so it is not in force: \(error)")
        }
    }

    /// The checkpoint each chain starts with, one line each (empty when none).
    func checkpointLines(_ handle: AuditStoreHandle, pinned: Curve25519.Signing.PublicKey?) throws -> String {
        try handle.store.records(matching: AuditQuery(event: "audit_checkpoint")).compactMap { record -> String? in
            guard case .checkpoint(let cp) = record.event else { return nil }
            let chain = handle.postgres == nil ? "" : "node \(record.node) "
            let mine = pinned.map { CheckpointEvent.fingerprint($0) == cp.signerFingerprint } ?? false
            return "\n\(chain)checkpoint at sequence \(record.sequence): records \(cp.firstSequence)-\(cp.lastSequence) pruned"
                + " (\(cp.count)), signed by \(cp.signerFingerprint)\(mine ? " (audit.signing_key)" : "")"
        }.joined()
    }
}

/// The change stands (or, for a hold, was not made), but the audit log does not have it: exit 1.
public struct PruneNotAudited: Error, CustomStringConvertible {
    public let description: String
}
