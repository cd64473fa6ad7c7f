// SharedStoreConfig: `shared_store:` (and `shared_store_password_file:`), the PostgreSQL several
// nodes share for the state that is not per node: TLS observations, the MTA-STS cache, AUTH users.

import Audit
import Foundation

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
