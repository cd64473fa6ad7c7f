// SharedPostgres: the `shared_store` PostgreSQL as the portal store sees it: the client SharedState's
// database already runs (one pool per daemon for everything several nodes share) and its location.

import Audit
import PostgresNIO

struct SharedPostgres: Sendable {
    let location: PostgresLocation
    let client: PostgresClient
}
