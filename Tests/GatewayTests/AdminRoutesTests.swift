// The admin API's routes in memory (HummingbirdTesting): 401 without or with a bad token, 403 for a
// read token on an admin route, 400 with the CLI's message for bad filters, JSON and /metrics bodies,
// and a removed token refused at once (the file is read at each request).
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MailCore
import NIOCore
import XCTest
@testable import Gateway

final class AdminRoutesTests: XCTestCase {
    private var dir = ""
    private var tokens: AdminTokenStore { AdminTokenStore(path: dir + "/admin.tokens") }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("sealgate-admin-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    private func run(_ data: FakeAdminData = FakeAdminData(),
                     _ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: AdminServer.router(tokens: tokens, data: data))
        try await app.test(.router, test)
    }

    private func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    func testTokensAndRoles() async throws {
        let read = try tokens.add(name: "reader", role: .read, now: Date())
        let admin = try tokens.add(name: "ops", role: .admin, now: Date())
        let store = tokens
        try await run { client in
            try await client.execute(uri: "/metrics", method: .get) { r in
                XCTAssertEqual(r.status, .unauthorized)
                XCTAssertEqual(r.headers[.wwwAuthenticate], "Bearer realm=\"sealgate\"")
            }
            try await client.execute(uri: "/metrics", method: .get, headers: self.bearer("sgt_wrong")) { r in
                XCTAssertEqual(r.status, .unauthorized)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Basic \(read)"]) { r in
                XCTAssertEqual(r.status, .unauthorized)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: self.bearer(read)) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(String(buffer: r.body), "sealgate_accepted_total 0\n")
            }
            try await client.execute(uri: "/api/v1/queue/flush", method: .post, headers: self.bearer(read)) { r in
                XCTAssertEqual(r.status, .forbidden)
            }
            try await client.execute(uri: "/api/v1/queue/flush", method: .post, headers: self.bearer(admin)) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertTrue(String(buffer: r.body).contains("flush"))
            }
            XCTAssertTrue(try store.remove(name: "reader"))
            try await client.execute(uri: "/metrics", method: .get, headers: self.bearer(read)) { r in
                XCTAssertEqual(r.status, .unauthorized)
            }
        }
    }

    func testQueriesPassTheFiltersAndReportBadInput() async throws {
        let read = try tokens.add(name: "reader", role: .read, now: Date())
        let data = FakeAdminData()
        try await run(data) { client in
            try await client.execute(uri: "/api/v1/audit/records?since=2026-01-01&recipient=a@example.org&unencrypted=true&tls_below=TLSv1.2",
                                     method: .get, headers: self.bearer(read)) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(r.headers[.contentType], "application/json")
            }
            try await client.execute(uri: "/api/v1/audit/records?color=blue", method: .get, headers: self.bearer(read)) { r in
                XCTAssertEqual(r.status, .badRequest)
                XCTAssertTrue(String(buffer: r.body).contains("unknown filter color"))
            }
            try await client.execute(uri: "/api/v1/audit/records?method=carrier-pigeon", method: .get, headers: self.bearer(read)) { r in
                XCTAssertEqual(r.status, .badRequest)
                XCTAssertTrue(String(buffer: r.body).contains("carrier-pigeon"), String(buffer: r.body))
            }
            try await client.execute(uri: "/api/v1/audit/summary", method: .get, headers: self.bearer(read)) { r in
                XCTAssertEqual(r.status, .badRequest)
            }
            try await client.execute(uri: "/api/v1/queue/nonsense/trace", method: .get, headers: self.bearer(read)) { r in
                XCTAssertEqual(r.status, .badRequest)
            }
            let id = QueueID(microseconds: 1_700_000_000_000_000, node: 1, random: 7).description
            try await client.execute(uri: "/api/v1/queue/\(id)/trace", method: .get, headers: self.bearer(read)) { r in
                XCTAssertEqual(r.status, .notFound)
            }
            try await client.execute(uri: "/api/v1/audit/messages/NOPE", method: .get, headers: self.bearer(read)) { r in
                XCTAssertEqual(r.status, .notFound)
            }
        }
        let seen = data.filters.value
        XCTAssertEqual(seen.first?.since, "2026-01-01")
        XCTAssertEqual(seen.first?.recipient, "a@example.org")
        XCTAssertEqual(seen.first?.tlsBelow, "TLSv1.2")
        XCTAssertEqual(seen.first?.unencrypted, true)
    }
}

final class FakeAdminData: AdminAPIData, @unchecked Sendable {
    final class Box<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var v: T
        init(_ v: T) { self.v = v }
        var value: T { lock.withLock { v } }
        func mutate(_ f: (inout T) -> Void) { lock.withLock { f(&v) } }
    }
    let filters = Box<[AuditFilters]>([])

    func auditRecords(_ f: AuditFilters) async throws -> String {
        _ = try f.query()   // the CLI's own checks: an unknown method is an InvalidInput
        filters.mutate { $0.append(f) }
        return "[]"
    }
    func auditMessage(_ id: String) async throws -> String { throw InvalidInput("no audit records for \(id)") }
    func auditSummary(since: String, until: String?, by: String?) async throws -> String { "{}" }
    func queueStatus() async throws -> String { #"{"messages":0}"# }
    func queueTrace(_ id: QueueID) async throws -> String? { nil }
    func flushQueue(actor: String) async throws -> String { #"{"result":"queue flush started"}"# }
    func metricsText() async -> String { "sealgate_accepted_total 0\n" }
}
