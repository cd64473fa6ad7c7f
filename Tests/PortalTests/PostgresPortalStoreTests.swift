// PostgresPortalStore against a private PostgreSQL 15 (skipped when the server binaries are not
// installed): the store contract FilePortalStore meets too, and two stores (two nodes) on one database.

import Audit
import Foundation
import Logging
import NIOPosix
import Portal
import PostgresNIO
import TestSupport
import XCTest

final class PostgresPortalStoreTests: PortalTestCase {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cluster: PostgresTestCluster?
    nonisolated(unsafe) private static var databases = 0

    private func database() throws -> PostgresLocation {
        guard FileManager.default.isExecutableFile(atPath: PostgresTestCluster.binDirectory + "/initdb") else {
            throw XCTSkip("PostgreSQL 15 server binaries not installed (scripts/setup --test)")
        }
        let (cluster, name) = try Self.lock.withLock { () throws -> (PostgresTestCluster, String) in
            if Self.cluster == nil {
                let made = try PostgresTestCluster()
                try made.psql("CREATE ROLE portal LOGIN PASSWORD 'portal-test'")
                Self.cluster = made
                atexit { PostgresPortalStoreTests.cluster?.destroy() }
            }
            Self.databases += 1
            return (Self.cluster!, "portal_\(getpid())_\(Self.databases)")
        }
        try cluster.psql("CREATE DATABASE \(name) OWNER portal")
        return PostgresLocation(user: "portal", host: "127.0.0.1", port: cluster.port, database: name, sslMode: .disable)
    }

    /// A running client on `location`, stopped when the test ends.
    private func client(_ location: PostgresLocation) -> PostgresClient {
        let client = PostgresClient(configuration: location.clientConfiguration(password: "portal-test"),
                                    eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let run = Task.detached { await client.run() }
        addTeardownBlock { run.cancel() }
        return client
    }

    private func open(_ client: PostgresClient, _ location: PostgresLocation, pepper: PortalPepper) throws -> any PortalStore {
        try PostgresPortalStore(postgres: client, location: location, pepper: pepper, clock: clock, randomness: randomness,
                                passwordHash: PortalTestCase.fastHash, logger: Logger(label: "test.portal.postgres"))
    }

    func testTheStoreContractOnPostgres() throws {
        let location = try database()
        let client = client(location)
        try runStoreContract { try open(client, location, pepper: $0) }
    }

    func testTheStoreContractOnFiles() throws {
        try runStoreContract { try makeStore(pepper: $0) }
    }

    /// Two nodes (two clients) on one database: a deposit by one opens through the other, and their
    /// concurrent view counts are all kept (each change is one locked transaction).
    func testTwoNodesShareOneStore() throws {
        let location = try database()
        let nodeA = try open(client(location), location, pepper: pepper)
        let nodeB = try open(client(location), location, pepper: pepper)
        let deposit = try deposit(nodeA)
        XCTAssertEqual(try nodeB.open(deposit.metadata.id, linkToken: deposit.linkToken).content, PortalTestCase.message)
        let id = deposit.metadata.id
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            _ = try? (i % 2 == 0 ? nodeA : nodeB).noteView(id)
        }
        XCTAssertEqual(try nodeA.metadata(of: id).views, 8)
        XCTAssertEqual(try nodeB.revoke(id)?.id, id)
        XCTAssertThrowsError(try nodeA.verifyLink(id, linkToken: deposit.linkToken)) {
            guard case .gone = $0 as? PortalStoreError else { return XCTFail("\($0)") }
        }
    }
}
