// The outbound signer on the send path: applied once per transaction, to the bytes after the
// 8BITMIME downgrade, with the client's clock; its output is what the server receives.
import Foundation
import MailCore
import NIOCore
import NIOPosix
import TestSupport
import XCTest
@testable import Delivery

/// Records what it was given and prepends a marker header.
final class RecordingSigner: OutboundSigner, @unchecked Sendable {
    private let lock = NSLock()
    private var _calls: [(message: [UInt8], now: Date)] = []
    var calls: [(message: [UInt8], now: Date)] { lock.withLock { _calls } }
    func sign(_ message: [UInt8], now: Date) -> [UInt8] {
        lock.withLock { _calls.append((message, now)) }
        return Array("X-Test-Signature: 1\r\n".utf8) + message
    }
}

final class OutboundSignerTests: XCTestCase {
    func testSignerGetsTheDowngradedBytesOnceAndItsOutputGoesOnTheWire() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let server = TestSMTPServer(eightBitMIME: false)
        try server.start(group: group)
        defer { server.stop() }
        let signer = RecordingSigner(), clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        var settings = Fixtures.settings(port: server.port)
        settings.signer = signer
        let client = try SMTPClient(settings: settings, group: group, logger: Fixtures.logger, clock: clock)
        var env = Fixtures.envelope(sender: "alice@example.org", recipients: [RecipientSpec(address: Fixtures.addr("ok@example.net"))])
        env.bodyType = .eightBitMIME
        let message = Array(("From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n\r\nCaf\u{e9}\r\n.dot line\r\n").utf8)
        let report = await client.deliver(envelope: env, recipients: [(0, env.recipients[0])], message: message)

        XCTAssertEqual(report.results.map(\.outcome), [.delivered])
        XCTAssertEqual(signer.calls.count, 1)
        let given = String(decoding: signer.calls.first?.message ?? [], as: UTF8.self)
        XCTAssertTrue(given.contains("Content-Transfer-Encoding: quoted-printable"), given)
        XCTAssertTrue(given.contains("Caf=C3=A9"), given)
        XCTAssertTrue(given.contains("\r\n.dot line\r\n"), "signed before dot-stuffing: \(given)")
        XCTAssertEqual(signer.calls.first?.now, clock.now())
        let wire = server.transactions.first?.data ?? ""
        XCTAssertEqual(wire, "X-Test-Signature: 1\r\n" + given)
    }
}
