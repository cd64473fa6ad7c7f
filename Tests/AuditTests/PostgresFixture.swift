// PostgresFixture: one private PostgreSQL cluster for the PostgreSQL audit tests, a fresh database
// per test with the schema and the INSERT/SELECT-only role, and stores opened (and closed) on it.

import Foundation
import Logging
import MailCore
import NIOPosix
import TestSupport
import XCTest
@testable import Audit

enum PostgresFixture {
    static let role = "sealgate"
    static let rolePassword = "sealgate-role-password"
    private static let lock = NSLock()
    nonisolated(unsafe) private static var shared: PostgresTestCluster?
    nonisolated(unsafe) private static var databases = 0

    /// The cluster every test shares (started on first use; the server binaries must be installed).
    static func cluster() throws -> PostgresTestCluster {
        try lock.withLock {
            if let shared { return shared }
            let made = try PostgresTestCluster()
            try made.psql("CREATE ROLE \(role) LOGIN PASSWORD '\(rolePassword)'")
            shared = made
            atexit { PostgresFixture.shared?.destroy() }
            return made
        }
    }

    /// A new database with the audit schema made by the superuser and the role granted.
    static func database(_ test: XCTestCase) throws -> String {
        let cluster = try cluster()
        let name = lock.withLock { databases += 1; return "audit_\(getpid())_\(databases)" }
        try cluster.psql("CREATE DATABASE \(name)")
        let owner = try open(test, node: "init", nodeID: 960, database: name, asSuperuser: true)
        try owner.initializeSchema(grantTo: role)
        owner.close()
        return name
    }

    static func location(database: String, user: String) throws -> PostgresLocation {
        PostgresLocation(user: user, host: "127.0.0.1", port: try cluster().port, database: database, sslMode: .disable)
    }

    /// A store on `database` as the gateway role (or the superuser); its pool runs until the test ends.
    static func open(_ test: XCTestCase, node: String, nodeID: UInt16, database: String, asSuperuser: Bool = false,
                     clock: WallClock = SystemClock()) throws -> PostgresAuditStore {
        let store = try PostgresAuditStore(
            location: try location(database: database, user: asSuperuser ? "postgres" : role),
            password: asSuperuser ? PostgresTestCluster.superuserPassword : rolePassword,
            node: node, nodeID: nodeID, clock: clock, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: Logger(label: "test.audit.postgres"))
        let pool = Task.detached { await store.client.run() }
        test.addTeardownBlock { store.close(); pool.cancel() }
        return store
    }
}
