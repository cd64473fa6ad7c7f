// SharedStoreFixture: one private PostgreSQL cluster for the shared-store tests (skipped when the
// server binaries are missing), a fresh database per test, and stores opened (and closed) on it.

import Foundation
import Logging
import NIOPosix
import TestSupport
import XCTest
@testable import Audit
@testable import SharedStore

enum SharedStoreFixture {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var shared: PostgresTestCluster?
    nonisolated(unsafe) private static var databases = 0

    static func cluster() throws -> PostgresTestCluster {
        guard FileManager.default.isExecutableFile(atPath: PostgresTestCluster.binDirectory + "/initdb") else {
            throw XCTSkip("PostgreSQL 15 server binaries not installed (scripts/setup --test)")
        }
        return try lock.withLock {
            if let shared { return shared }
            let made = try PostgresTestCluster()
            shared = made
            atexit { SharedStoreFixture.shared?.destroy() }
            return made
        }
    }

    /// A new database with the shared schema; `nodes` databases objects on it, as separate nodes would have.
    static func databases(_ test: XCTestCase, nodes: Int) throws -> [SharedStoreDatabase] {
        let cluster = try cluster()
        let name = lock.withLock { databases += 1; return "shared_\(getpid())_\(databases)" }
        try cluster.psql("CREATE DATABASE \(name)")
        let location = PostgresLocation(user: "postgres", host: "127.0.0.1", port: cluster.port, database: name, sslMode: .disable)
        let opened = (0..<nodes).map { _ in
            SharedStoreDatabase(location: location, password: PostgresTestCluster.superuserPassword,
                                eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "test.shared"))
        }
        for db in opened {
            test.addTeardownBlock { db.close() }
            try db.createSchemaWaiting()
        }
        return opened
    }
}
