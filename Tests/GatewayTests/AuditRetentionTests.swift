// audit.retention, legal holds and `audit prune` through AuditFacade on a SQLite store: the config's
// errors at file:line:col, a hold keeps a message's records, the checkpoint verifies, everything audited.

import Audit
import Foundation
import MailCore
import XCTest
@testable import Gateway

final class AuditRetentionTests: XCTestCase {
    private struct Clock: WallClock {
        let time: Date
        func now() -> Date { time }
        func sleep(until deadline: Date) async throws { throw CancellationError() }
    }

    private static let client = ClientInfo(address: "127.0.0.5", port: 40000, hostname: nil, helo: "client.test",
                                           protocolName: "ESMTP", authenticatedUser: nil, tls: nil, listener: "relay")

    func testRetentionConfigAndItsErrors() throws {
        let config = try FacadeFixtures.config(extra: "audit: {retention: {deliveries: 6y, admin: 10y, bounced: 90d, default: forever}}\n")
        let retention = try XCTUnwrap(config.auditRetention)
        XCTAssertEqual(retention.period(for: "delivered"), .years(6))
        XCTAssertEqual(retention.period(for: "bounced"), .seconds(90 * 86_400))
        XCTAssertEqual(retention.period(for: "admin_action"), .years(10))
        XCTAssertEqual(retention.period(for: "portal_view"), .forever)
        XCTAssertNil(try FacadeFixtures.config().auditRetention)
        let dir = try ConfigFixtures.scratchDirectory()
        XCTAssertEqual(ConfigFixtures.diagnostics(ConfigFixtures.minimal + """
            audit:
              retention:
                delivries: 6y
                admin: 6 years
                portal: 0y
            """, in: dir), [
            "sealgate.yaml:4:5: error: audit.retention: unknown group or event 'delivries'; expected default, deliveries, portal, admin, chain_heads or an event name (docs/audit.md); did you mean 'deliveries'?",
            "sealgate.yaml:5:12: error: audit.retention.admin: bad duration '6 years': no space between the number and its unit; use a whole number followed by s, m, h, d or w (e.g. 30s, 5m, 2h, 5d, 1w); or whole years (6y), or forever",
            "sealgate.yaml:6:13: error: audit.retention.portal: '0y': between 1y and 100y",
        ])
    }

    /// Old records of three messages (alice's, bob's, alice's again), 100 days old, then one new one.
    private func backdated(_ config: GatewayConfig) throws -> [QueueID] {
        guard case .sqlite(let path) = config.auditStore else { throw InvalidInput("not sqlite") }
        let old = try SQLiteAuditStore(path: path, node: config.hostname, clock: Clock(time: Date().addingTimeInterval(-100 * 86_400)))
        let ids = (1...3).map { FacadeFixtures.queueID(UInt64($0)) }
        for (n, id) in ids.enumerated() {
            let sender = n == 1 ? "bob@example.org" : "alice@example.org"
            _ = try old.append(.accepted(AcceptedEvent(queueID: id, sender: try MailAddressParser.parse(sender, allowUTF8: true),
                                                       recipients: [try MailAddressParser.parse("carol@partner.example", allowUTF8: true)],
                                                       size: 100, client: Self.client)))
            _ = try old.append(.delivered(AttemptEvent(queueID: id, recipient: try MailAddressParser.parse("carol@partner.example",
                                                                                                           allowUTF8: true), attempt: 1)))
        }
        return ids
    }

    func testAHoldKeepsAMessageThroughAPruneAndTheCheckpointVerifies() throws {
        let config = try FacadeFixtures.config(extra: "audit: {retention: {default: 30d}}\n")
        let facade = AuditFacade(config: config)
        let ids = try backdated(config)
        let added = try facade.addHold(scope: "sender", value: "Bob@Example.org", reason: "matter 42", actor: "alice")
        XCTAssertTrue(added.hasSuffix(": holding sender Bob@example.org (2 record(s) on record now, and every later one)"), added)
        let hold = try XCTUnwrap(try facade.holds().first)
        XCTAssertEqual(try facade.listHolds(json: false), "\(hold.id)  sender Bob@example.org  reason: matter 42\n")
        XCTAssertTrue(try facade.listHolds(json: true).contains("\"scope\":\"sender\""))

        let dry = try facade.prune(dryRun: true, ownerURL: nil, ownerPasswordFile: nil, actor: "alice")
        XCTAssertTrue(dry.hasPrefix("would remove 2 record(s), sequence 1-2 (accepted=1 delivered=1); stopped at record 3 (accepted, "), dry)
        XCTAssertTrue(dry.contains("held by \(hold.id)"), dry)
        let out = try facade.prune(dryRun: false, ownerURL: nil, ownerPasswordFile: nil, actor: "alice")
        XCTAssertTrue(out.hasPrefix("removed 2 record(s), sequence 1-2"), out)
        XCTAssertTrue(out.contains("checkpoint signed by sha256:"), out)
        let check = try facade.verify()
        XCTAssertTrue(check.intact, check.text)
        XCTAssertTrue(check.text.contains("checkpoint at sequence 2: records 1-2 pruned (2), signed by sha256:"), check.text)
        XCTAssertTrue(check.text.contains("(audit.signing_key)"), check.text)
        var filters = AuditFilters()
        filters.queueID = ids[1].value
        XCTAssertEqual(try facade.query(filters, format: .json).split(separator: "\n").count, 2, "bob's records stay")
        filters.queueID = ids[0].value
        XCTAssertEqual(try facade.query(filters, format: .json), "", "alice's first message is gone")
        let all = try facade.query(AuditFilters(), format: .json)
        XCTAssertTrue(all.contains("\"action\":\"hold_add\"") && all.contains("\"action\":\"prune\""), all)

        // An export after the prune starts with the checkpoint and still verifies.
        let bundle = NSTemporaryDirectory() + "pruned-\(UUID().uuidString).tar"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: bundle) }
        _ = try facade.export(since: nil, until: nil, out: bundle)
        let exported = try facade.verifyBundle(path: bundle, key: nil)
        XCTAssertTrue(exported.intact, exported.text)

        // Lifted, the hold no longer stops the next prune; the checkpoint keeps the count of both.
        XCTAssertTrue(try facade.removeHold(id: hold.id, actor: "alice").hasSuffix("removed (sender Bob@example.org)"))
        XCTAssertEqual(try facade.listHolds(json: false), "no legal holds\n")
        XCTAssertThrowsError(try facade.removeHold(id: hold.id, actor: "alice")) { XCTAssertTrue($0 is InvalidInput) }
        let again = try facade.prune(dryRun: false, ownerURL: nil, ownerPasswordFile: nil, actor: "alice")
        XCTAssertTrue(again.hasPrefix("removed 4 record(s), sequence 3-6"), again)
        let text = try facade.verify().text
        XCTAssertTrue(text.contains("records 1-6 pruned (6)"), text)
    }

    func testWithoutRetentionNothingIsPruned() throws {
        let config = try FacadeFixtures.config()
        _ = try backdated(config)
        XCTAssertEqual(try AuditFacade(config: config).prune(dryRun: false, ownerURL: nil, ownerPasswordFile: nil, actor: "a"),
                       "audit.retention is not configured: every record is kept forever; nothing to prune\n")
    }
}
