// PostgresAuditConfig: the `audit:` section when the store is PostgreSQL (several nodes, one log):
// the URL, the password file, this node's outbox and how often it quotes the other nodes' heads.

import Audit
import Foundation

public struct PostgresAuditConfig: Sendable, Equatable {
    public var location: PostgresLocation
    /// `audit.password_file`: a 0600 file holding the role's password (nil: no password, e.g. trust or peer).
    public var passwordFile: String?
    /// `audit.outbox`: this node's local journal of records PostgreSQL has not taken yet.
    public var outboxPath: String
    /// `audit.chain_heads_interval`: how often the node records the other nodes' chain heads.
    public var chainHeadsInterval: TimeInterval = 300

    public init(location: PostgresLocation, passwordFile: String?, outboxPath: String) {
        self.location = location; self.passwordFile = passwordFile; self.outboxPath = outboxPath
    }

    /// The password from the file, or nil when none is configured.
    func password() throws -> String? {
        try passwordFile.map(PostgresLocation.readPassword(file:))
    }
}
