// SharedPostgres: the daemon's one PostgresClient for `shared_store` (the state several nodes share:
// the portal store, ...), made from the config; the daemon runs it as a task for as long as it serves.

import Audit
import Logging
import NIOCore
import PostgresNIO

struct SharedPostgres: Sendable {
    let location: PostgresLocation
    let client: PostgresClient

    init(config: SharedStoreConfig, group: any EventLoopGroup, logger: Logger) throws {
        location = config.location
        client = PostgresClient(configuration: location.clientConfiguration(password: try config.password()),
                                eventLoopGroup: group, backgroundLogger: logger)
    }
}
