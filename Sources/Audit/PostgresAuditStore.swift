// PostgresAuditStore: the shared audit log of several nodes on one PostgreSQL. Each node appends to
// its own chain through its locked writer; reads (queries, verify, the other nodes' heads) use the pool.
// AuditQuery and export: PostgresAuditStore+Query.swift.

import Crypto
import Foundation
import Logging
import MailCore
import NIOCore
import PostgresNIO

public final class PostgresAuditStore: AuditStore, AuditRecorder, @unchecked Sendable {
    public let node: String
    public let nodeID: UInt16
    public let location: PostgresLocation
    /// The pool for reads. Run it (`client.run()`, a ServiceLifecycle service) for as long as the store is used.
    public let client: PostgresClient
    private let writer: PostgresChainWriter
    private let clock: WallClock
    let logger: Logger
    private let group: GroupCommit<AuditEvent, AuditRecord>
    private let lock = NSLock()
    private var unreachableSince: Date?
    private var failures = 0
    /// Whether the server has ICU's root collation (`und-x-icu`), asked once by the first query.
    private var icuCollation: Bool?
    /// How long one append (a batch) may take before it counts as failed and goes to the outbox.
    static let appendTimeout: TimeInterval = 15
    static let readTimeout: TimeInterval = 120

    /// `log` receives the error-level lines when the store becomes unreachable and when it recovers.
    public init(location: PostgresLocation, password: String?, node: String, nodeID: UInt16, clock: WallClock,
                eventLoopGroup: EventLoopGroup, logger: Logger) throws {
        self.node = node; self.nodeID = nodeID; self.location = location; self.clock = clock; self.logger = logger
        client = PostgresClient(configuration: location.clientConfiguration(password: password), eventLoopGroup: eventLoopGroup,
                                backgroundLogger: logger)
        let writer = PostgresChainWriter(node: node, nodeID: nodeID,
                                         configuration: try location.connectionConfiguration(password: password),
                                         group: eventLoopGroup, logger: logger)
        self.writer = writer
        group = GroupCommit { events in
            try AsyncBridge.wait(timeout: Self.appendTimeout, what: "an audit append") {
                try await writer.append(events, clock: clock)
            }
        }
    }

    // MARK: - health (for the log and for metrics)

    /// Whether the last append reached PostgreSQL (true until one fails).
    public var isReachable: Bool { lock.withLock { unreachableSince == nil } }
    /// Appends that failed since the process started (each such record went to the outbox).
    public var failedAppends: Int { lock.withLock { failures } }

    private func noteFailure(_ error: Error) {
        let first: Bool = lock.withLock {
            failures += 1
            guard unreachableSince == nil else { return false }
            unreachableSince = clock.now()
            return true
        }
        if first {
            logger.error("audit store \(location.description) unreachable: \(PostgresAuditError.describe(error)); audit records go to the outbox until it returns")
        }
    }

    private func noteSuccess() {
        guard let since = lock.withLock({ () -> Date? in defer { unreachableSince = nil }; return unreachableSince }) else { return }
        logger.error("audit store \(location.description) reachable again after \(Int(clock.now().timeIntervalSince(since)))s")
    }

    /// The SQL dialect for AuditQuery: with ICU's root collation for case folding when the server has it.
    func dialect(_ client: PostgresClient) async throws -> PostgresDialect {
        if let known = lock.withLock({ icuCollation }) { return PostgresDialect(icu: known) }
        var icu = false
        let rows = try await client.query("SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu')")
        for try await exists in rows.decode(Bool.self) { icu = exists }
        lock.withLock { icuCollation = icu }
        return PostgresDialect(icu: icu)
    }

    // MARK: - writing

    /// At start: connects and takes the node's locks. Throws `nodeLocked` (another process has this
    /// node: the daemon must not start) and `schemaMissing`; returns the error when PostgreSQL cannot be
    /// reached (the daemon starts anyway and the outbox keeps the records).
    public func connectAtStart() throws -> Error? {
        do {
            _ = try AsyncBridge.wait(timeout: Self.appendTimeout, what: "connecting to the audit store") { [writer] in
                try await writer.connected()
            }
            return nil
        } catch let error as PostgresAuditError {
            switch error {
            case .nodeLocked, .schemaMissing: throw error
            case .timedOut, .server: noteFailure(error); return error
            }
        } catch {
            noteFailure(error)
            return error
        }
    }

    public func append(_ event: AuditEvent) throws -> AuditRecord {
        do {
            let record = try group.submit(event)
            noteSuccess()
            return record
        } catch {
            noteFailure(error)
            if case PostgresAuditError.timedOut = error { Task.detached { [writer] in await writer.drop() } }
            if error is PostgresAuditError { throw error }
            throw PostgresAuditError.server(PostgresAuditError.describe(error))
        }
    }

    /// Releases the node's locks (closes the writer's connection).
    public func close() {
        _ = try? AsyncBridge.wait(timeout: 5, what: "closing the audit store") { [writer] in await writer.drop() }
    }

    // MARK: - reading

    func read<T>(_ what: String, _ body: @escaping @Sendable (PostgresClient) async throws -> T) throws -> T {
        do {
            return try AsyncBridge.wait(timeout: Self.readTimeout, what: what) { [client] in try await body(client) }
        } catch {
            if PostgresAuditError.isUndefinedTable(error) { throw PostgresAuditError.schemaMissing("the table audit_records does not exist") }
            if error is PostgresAuditError { throw error }
            throw PostgresAuditError.server(PostgresAuditError.describe(error))
        }
    }

    /// Every node's records about one message, in time order (then node, then sequence).
    public func records(queueID: QueueID) throws -> [AuditRecord] {
        try read("an audit query") { client in
            let rows = try await client.query("""
                SELECT canonical, hash FROM audit_records WHERE queue_id = \(queueID.value) ORDER BY time, node, sequence
                """)
            var out: [AuditRecord] = []
            for try await (canonical, hash) in rows.decode((String, String).self) {
                out.append(try CanonicalRecord.decode(canonical).record(hash: hash))
            }
            return out
        }
    }

    /// Each node's newest record, the store's own node included, sorted by node.
    public func heads() throws -> [ChainHead] {
        try read("reading the chain heads") { client in try await Self.heads(client) }
    }

    /// The other nodes' heads, for a `chain_heads` record.
    public func otherHeads() async throws -> [ChainHead] {
        try await Self.heads(client).filter { $0.node != node }
    }

    static func heads(_ client: PostgresClient) async throws -> [ChainHead] {
        let rows = try await client.query("""
            SELECT DISTINCT ON (node) node, sequence, hash FROM audit_records ORDER BY node, sequence DESC
            """)
        var out: [ChainHead] = []
        for try await (node, sequence, hash) in rows.decode((String, Int64, String).self) {
            out.append(ChainHead(node: node, sequence: sequence, hash: hash))
        }
        return out
    }

    public func verifyChain() throws -> ChainVerification { try verifyNodes().summary }

    /// Walks every node's chain and checks every quoted head.
    public func verifyNodes() throws -> NodeChainsVerification { try verifyNodes(pinnedKeys: [:]) }

    /// Like `verifyNodes()`; a node's checkpoint must be signed by its key in `pinnedKeys` when given.
    func verifyNodes(pinnedKeys: [String: Curve25519.Signing.PublicKey]) throws -> NodeChainsVerification {
        try read("verifying the audit chains") { client in
            var walker = NodeChainsWalker(pinnedKeys: pinnedKeys)
            let rows = try await client.query("""
                SELECT node, sequence, time, event, queue_id, recipient, outcome, previous_hash, hash, canonical
                FROM audit_records ORDER BY node, sequence
                """)
            for try await (node, sequence, time, event, queueID, recipient, outcome, previous, hash, canonical)
                in rows.decode((String, Int64, String, String, String?, String?, String?, String, String, String).self) {
                walker.check(StoredAuditRow(sequence: sequence, time: time, node: node, event: event, queueID: queueID,
                                            recipient: recipient, outcome: outcome, previousHash: previous, hash: hash,
                                            canonical: canonical))
            }
            var hashes: [String: String] = [:]
            for q in walker.positionsToLookUp() where hashes[NodeChainsWalker.key(q.node, q.sequence)] == nil {
                let stored = try await client.query(
                    "SELECT hash FROM audit_records WHERE node = \(q.node) AND sequence = \(q.sequence)")
                for try await hash in stored.decode(String.self) { hashes[NodeChainsWalker.key(q.node, q.sequence)] = hash }
            }
            return walker.finish(hashes: hashes)
        }
    }

    // MARK: - schema

    /// Creates the tables, indexes and append-only triggers (idempotent), and grants `role` SELECT and
    /// INSERT when given. Run once with the owner's rights (`sealgate audit init-db`).
    public func initializeSchema(grantTo role: String?) throws {
        try read("creating the audit schema") { client in
            for statement in PostgresAuditSchema.statements + (role.map(PostgresAuditSchema.grants) ?? []) {
                try await client.query(PostgresQuery(unsafeSQL: statement))
            }
        }
    }
}
