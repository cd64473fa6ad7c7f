// SharedStoreConfig: `shared_store: postgresql://USER@HOST:PORT/DB` and its password file: the PostgreSQL
// where several nodes keep the state they share (docs/operations.md); the spool stays per node.

import Audit

public struct SharedStoreConfig: Sendable, Equatable {
    public var location: PostgresLocation
    /// `shared_store_password_file`: a 0600 file holding the role's password (nil: none, e.g. trust or peer).
    public var passwordFile: String?

    public init(location: PostgresLocation, passwordFile: String?) {
        self.location = location; self.passwordFile = passwordFile
    }

    /// The password from the file, or nil when none is configured.
    func password() throws -> String? {
        try passwordFile.map(PostgresLocation.readPassword(file:))
    }
}
