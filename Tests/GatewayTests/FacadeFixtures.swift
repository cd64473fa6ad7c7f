// Shared fixtures for the CLI facade tests: a scratch gateway directory with a minimal config (so
// spool, audit store, control socket and policies all live under it) and a small message.
import Foundation
import MailCore
import XCTest
@testable import Gateway

enum FacadeFixtures {
    /// A config whose every path is under a fresh scratch directory; no daemon listens on its socket.
    static func config(extra: String = "", file: StaticString = #filePath, line: UInt = #line) throws -> GatewayConfig {
        let dir = try ConfigFixtures.scratchDirectory()
        return try ConfigFixtures.config(ConfigFixtures.minimal + extra, in: dir, file: file, line: line)
    }

    /// A one-part plain-text message; `body` is its whole body.
    static func message(body: String) -> [UInt8] {
        Array("From: a@example.org\r\nTo: b@example.net\r\nSubject: notes\r\n\r\n\(body)\r\n".utf8)
    }

    static func queueID(_ n: UInt64) -> QueueID {
        QueueID(microseconds: 1_700_000_000_000_000 + n * 1000, node: 1, random: UInt32(n * 7919))
    }

    static func envelope(_ id: QueueID, to recipients: [String]) throws -> Envelope {
        Envelope(queueID: id, sender: try MailAddressParser.parse("sender@example.org", allowUTF8: true),
                 recipients: try recipients.map { RecipientSpec(address: try MailAddressParser.parse($0, allowUTF8: true)) },
                 size: 64, arrival: Date(timeIntervalSince1970: 1_700_000_000),
                 client: ClientInfo(address: "127.0.0.5", port: 40000, hostname: nil, helo: "client.test",
                                    protocolName: "ESMTP", authenticatedUser: nil, tls: nil, listener: "relay"))
    }
}
