// PortalFacade through a real ControlServer on a scratch Unix socket: what `sealgate portal …` prints,
// refusals for stderr, and the refusal when no daemon listens.

import Foundation
import Logging
import XCTest
@testable import Gateway

final class PortalFacadeTests: PortalControlTestCase {
    var server: ControlServer!

    override func setUpWithError() throws {
        try super.setUpWithError()
        server = ControlServer(path: config.controlSocketPath, commands: commands, group: group, logger: Logger(label: "portal-facade-tests"))
    }

    /// The facade's calls block on the socket, so they run off the concurrency pool the server answers on.
    func call(_ body: @escaping @Sendable (PortalFacade) -> PortalAdminOutcome) async -> PortalAdminOutcome {
        let facade = PortalFacade(config: config, actor: "dana")
        return await withCheckedContinuation { done in DispatchQueue.global().async { done.resume(returning: body(facade)) } }
    }

    /// The output of a --json command, parsed.
    func json(_ body: @escaping @Sendable (PortalFacade) -> PortalAdminOutcome) async throws -> Any {
        let output = text(await call(body))
        return try JSONSerialization.jsonObject(with: Data(output.utf8))
    }

    func text(_ outcome: PortalAdminOutcome, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard case .done(let text) = outcome else { XCTFail("\(outcome)", file: file, line: line); return "" }
        return text
    }

    func testListShowRevokeAndPurgeThroughTheSocket() async throws {
        try await server.start()
        let kept = try deposit()
        let expiring = try deposit(to: other, lifetime: 60)
        let listedJSON = try await json { $0.list(json: true) }
        let listed = try XCTUnwrap(listedJSON as? [[String: Any]])
        XCTAssertEqual(Set(listed.compactMap { $0["id"] as? String }), [kept.id.text, expiring.id.text])
        let table = text(await call { $0.list(json: false) })
        XCTAssertTrue(table.hasPrefix("ID  "), table)
        XCTAssertTrue(table.contains("\n\(kept.id.text)  active  <doctor@clinic.example>  patient@example.org  "), table)
        let shown = text(await call { $0.show(id: kept.id.text, json: false) })
        XCTAssertTrue(shown.contains("\nrecipient: patient@example.org\n"), shown)
        XCTAssertFalse(shown.contains(Self.body), shown)
        let revoked = await call { $0.revoke(id: kept.id.text) }
        XCTAssertEqual(revoked, .done("\(kept.id.text): revoked; its keys and content are destroyed"))
        XCTAssertEqual(audit.portal.first?.actor, "dana")
        let shownJSON = try await json { $0.show(id: kept.id.text, json: true) }
        let object = try XCTUnwrap(shownJSON as? [String: Any])
        XCTAssertEqual(object["state"] as? String, "revoked")
        clock.advance(by: 61)
        let purged = await call { $0.purgeExpired(json: false) }
        XCTAssertEqual(purged, .done("purged 1 expired portal message(s)\n  \(expiring.id.text) <someone@example.net>"))
        let none = try await json { $0.purgeExpired(json: true) } as? [Any]
        XCTAssertEqual(none?.count, 0, "nothing left to purge")
        await server.stop()
    }

    func testRefusalsCarryTheDaemonsMessage() async throws {
        try await server.start()
        let unknown = await call { $0.show(id: "nonesuch", json: false) }
        XCTAssertEqual(unknown, .refused("no portal message nonesuch"))
        let unlocked = await call { $0.unlock(target: "192.0.2.9") }
        XCTAssertEqual(unlocked, .done("no lockout on 192.0.2.9"))
        await server.stop()
    }

    func testWithNoDaemonTheCommandsAreRefused() async {
        let outcome = await call { $0.list(json: false) }
        XCTAssertEqual(outcome, .refused("the daemon is not running (no control socket at \(config.controlSocketPath)); the portal commands need it"))
    }
}
