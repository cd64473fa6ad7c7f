// AuditStoreHandle: the audit store opened for one CLI command (SQLite, or PostgreSQL with its pool
// running in the background); `close()` stops the pool and releases the node's lock.

import Audit
import Foundation
import Logging
import MailCore
import NIOPosix

final class AuditStoreHandle {
    /// Either store: appends, `AuditQuery`, and export (a run per chain).
    let store: any AuditStore & AuditQuerying & AuditExporting & AuditPruning
    /// The PostgreSQL store, when that is the configured one (for per-node verify and init-db).
    let postgres: PostgresAuditStore?
    private let poolTask: Task<Void, Never>?

    init(config: GatewayConfig) throws {
        switch config.auditStore {
        case .sqlite(let path):
            store = try SQLiteAuditStore(path: path, node: config.hostname, clock: SystemClock())
            postgres = nil; poolTask = nil
        case .postgresql(let settings):
            let pg = try Self.openPostgres(settings, location: settings.location, password: try settings.password(), config: config)
            store = pg; postgres = pg
            poolTask = Task.detached { await pg.client.run() }
        }
    }

    /// A PostgreSQL store at `location` (init-db may name another role than the gateway's own).
    init(postgres settings: PostgresAuditConfig, location: PostgresLocation, password: String?, config: GatewayConfig) throws {
        let pg = try Self.openPostgres(settings, location: location, password: password, config: config)
        store = pg; postgres = pg
        poolTask = Task.detached { await pg.client.run() }
    }

    private static func openPostgres(_ settings: PostgresAuditConfig, location: PostgresLocation, password: String?,
                                     config: GatewayConfig) throws -> PostgresAuditStore {
        var logger = Logger(label: "sealgate.audit")
        logger.logLevel = .critical
        return try PostgresAuditStore(location: location, password: password, node: config.hostname, nodeID: config.nodeID,
                                      clock: SystemClock(), eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
    }

    func close() {
        postgres?.close()
        poolTask?.cancel()
    }

    deinit { close() }
}
