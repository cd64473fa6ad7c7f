// Tests for the Received header Sealgate prepends: Postfix's full form with and without TLS,
// the RFC 3848 protocol names, IPv6 clients, and hostile HELO names.

import Foundation
import MailCore
import XCTest
@testable import SMTPServer

final class ReceivedHeaderTests: XCTestCase {
    let id = QueueID(microseconds: 1_795_000_000_000_000, node: 1, random: 42)
    let date = Date(timeIntervalSince1970: 1_795_428_000)   // Mon, 23 Nov 2026 10:00:00 +0000

    func client(tls: TLSFacts?, proto: String, address: String = "127.0.0.5", helo: String = "client.example") -> ClientInfo {
        ClientInfo(address: address, port: 40000, hostname: nil, helo: helo, protocolName: proto,
                   authenticatedUser: nil, tls: tls, listener: "relay")
    }

    func testWithTLS() {
        let tls = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: 256, algorithmBits: 256)
        let h = ReceivedHeader.render(client: client(tls: tls, proto: "ESMTPS"), localHostname: "gw.example", queueID: id, date: date)
        XCTAssertEqual(h, """
            Received: from client.example (unknown [127.0.0.5])\r
            \t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r
            \t(No client certificate requested)\r
            \tby gw.example (Sealgate) with ESMTPS id \(id);\r
            \tMon, 23 Nov 2026 10:00:00 +0000\r

            """)
    }

    func testPlaintextHasNoUsingClause() {
        let h = ReceivedHeader.render(client: client(tls: nil, proto: "ESMTP"), localHostname: "gw.example", queueID: id, date: date)
        XCTAssertFalse(h.contains("using"))
        XCTAssertFalse(h.contains("client certificate"))
        XCTAssertTrue(h.contains("with ESMTP id \(id);"))
    }

    func testIPv6AndHostileHelo() {
        let h = ReceivedHeader.render(client: client(tls: nil, proto: "ESMTPA", address: "::1", helo: "evil)\r\nX-Injected: 1"),
                                      localHostname: "gw.example", queueID: id, date: date)
        XCTAssertTrue(h.hasPrefix("Received: from evil?"), h)
        XCTAssertTrue(h.contains("(unknown [IPv6:::1])"))
        XCTAssertFalse(h.contains("X-Injected: 1\r\n"))
        XCTAssertEqual(h.components(separatedBy: "\r\n").count, 4)   // three lines + trailing empty
    }
}
