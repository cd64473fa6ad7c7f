// PostgresPortalStore's opening: the same sealed store over the `portal_blobs` table of a PostgreSQL
// shared by several nodes (docs/operations.md); the pepper stays a file on each node, never in the database.

import Audit
import Logging
import MailCore
import PostgresNIO

extension SealedPortalStore {
    /// Opens (or makes: CREATE TABLE IF NOT EXISTS) the store in the database `client` reaches. The
    /// client must be running (`client.run()`). Checks that `pepper` is the store's, as the file store does:
    /// every node must have the same pepper file content.
    public init(postgres client: PostgresClient, location: PostgresLocation, pepper: PortalPepper, clock: any WallClock,
                randomness: any PortalRandomness, passwordHash: PortalPasswordHash, logger: Logger) throws {
        try self.init(backend: PostgresPortalBackend(client: client, location: location.description, logger: logger), pepper: pepper,
                      clock: clock, randomness: randomness, passwordHash: passwordHash)
    }
}
