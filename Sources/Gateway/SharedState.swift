// SharedState: the stores behind `shared_store` (TLS observations, MTA-STS cache, AUTH users on one
// PostgreSQL for several nodes), or, without it, the node's own files; chosen here for daemon and CLI.

import Foundation
import Logging
import MailCore
import NIOCore
import NIOPosix
import SharedStore
import TLSPolicy

final class SharedState: @unchecked Sendable {
    let database: SharedStoreDatabase

    init(_ settings: SharedStoreConfig, group: EventLoopGroup, logger: Logger) throws {
        database = SharedStoreDatabase(location: settings.location, password: try settings.password(),
                                       eventLoopGroup: group, logger: logger)
    }

    func close() { database.close() }

    var users: any UserDirectory {
        SharedUserStore(rows: PostgresUserRows(database: database), label: database.location.description)
    }

    func observations(_ config: GatewayConfig, clock: WallClock) -> any TLSObservationStoring {
        PostgresTLSObservationStore(database: database, ratchet: config.tlsRatchet, expiry: config.tlsRatchetExpiry, clock: clock)
    }

    func mtaSTSCache(logger: Logger) -> any MTASTSPolicyCache {
        PostgresMTASTSCache(database: database, logger: logger)
    }

    /// For one CLI command: the shared store (schema made if missing) for the length of `body`, on
    /// an event loop of its own; nil when `shared_store` is not set.
    static func withCLI<T>(_ config: GatewayConfig, _ body: (SharedState?) throws -> T) throws -> T {
        guard let settings = config.sharedStore else { return try body(nil) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let state = try SharedState(settings, group: group, logger: Logger(label: "sealgate.shared-store"))
        defer { state.close() }
        try state.database.createSchemaWaiting()
        return try body(state)
    }
}
