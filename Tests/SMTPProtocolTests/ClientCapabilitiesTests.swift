// Tests for EHLO capability parsing and the MAIL/RCPT parameter encoders of the SMTP client.

import Foundation
import MailCore
import XCTest
@testable import SMTPProtocol

final class ClientCapabilitiesTests: XCTestCase {
    func testParsesPostfixStyleEHLO() {
        let reply = SMTPReply(250, nil, ["mx.example", "PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "STARTTLS",
                                         "AUTH PLAIN LOGIN", "AUTH=PLAIN LOGIN", "ENHANCEDSTATUSCODES", "8BITMIME",
                                         "DSN", "SMTPUTF8", "CHUNKING"])
        let caps = ServerCapabilities(ehlo: reply)
        XCTAssertEqual(caps.serverName, "mx.example")
        XCTAssertTrue(caps.pipelining && caps.startTLS && caps.eightBitMIME && caps.dsn && caps.smtputf8 && caps.chunking)
        XCTAssertTrue(caps.enhancedStatusCodes)
        XCTAssertFalse(caps.requireTLS)
        XCTAssertEqual(caps.size, 10_240_000)
        XCTAssertEqual(caps.auth, ["PLAIN", "LOGIN"])
        XCTAssertTrue(caps.accepts(size: 10_240_000))
        XCTAssertFalse(caps.accepts(size: 10_240_001))
    }

    func testMinimalEHLOAndHELO() {
        let caps = ServerCapabilities(ehlo: SMTPReply(250, nil, ["tiny", "size", "requiretls"]))
        XCTAssertEqual(caps.size, 0)
        XCTAssertTrue(caps.accepts(size: Int.max))
        XCTAssertTrue(caps.requireTLS)
        XCTAssertFalse(caps.pipelining)
        let helo = ServerCapabilities.helo(SMTPReply(250, nil, "old.example"))
        XCTAssertFalse(helo.esmtp)
        XCTAssertNil(helo.size)
    }

    func envelope(dsn: Bool) throws -> Envelope {
        let client = ClientInfo(address: "127.0.0.1", port: 1, hostname: nil, helo: "x", protocolName: "ESMTP",
                                authenticatedUser: nil, tls: nil, listener: "relay")
        return Envelope(queueID: QueueID.generate(node: 1), sender: try MailAddressParser.parse("a@example.org", allowUTF8: false),
                        recipients: [], bodyType: .eightBitMIME, smtputf8: true,
                        dsnReturn: dsn ? .headers : nil, envelopeID: dsn ? "QQ+1" : nil,
                        size: 123, arrival: Date(), client: client)
    }

    func testMailParametersFollowCapabilities() throws {
        let env = try envelope(dsn: true)
        let full = ServerCapabilities(ehlo: SMTPReply(250, nil, ["x", "SIZE 0", "8BITMIME", "SMTPUTF8", "DSN"]))
        XCTAssertEqual(ClientParameters.mail(envelope: env, size: 4000, capabilities: full),
                       ["SIZE=4000", "BODY=8BITMIME", "SMTPUTF8", "RET=HDRS", "ENVID=QQ+2B1"])
        let bare = ServerCapabilities(ehlo: SMTPReply(250, nil, ["x"]))
        XCTAssertEqual(ClientParameters.mail(envelope: env, size: 4000, capabilities: bare), [])
    }

    func testRcptParametersOnlyWithDSN() throws {
        let addr = try MailAddressParser.parse("bob@example.net", allowUTF8: false)
        let spec = RecipientSpec(address: addr, notify: [.delay, .failure], originalRecipient: "rfc822;bob=x@example.net")
        let dsn = ServerCapabilities(ehlo: SMTPReply(250, nil, ["x", "DSN"]))
        XCTAssertEqual(ClientParameters.rcpt(spec, capabilities: dsn), ["NOTIFY=FAILURE,DELAY", "ORCPT=rfc822;bob+3Dx@example.net"])
        let none = ServerCapabilities(ehlo: SMTPReply(250, nil, ["x"]))
        XCTAssertEqual(ClientParameters.rcpt(spec, capabilities: none), [])
    }

    func testCommandLines() throws {
        let idn = try MailAddressParser.parse("user@bücher.example", allowUTF8: true)
        XCTAssertEqual(ClientCommand.rcpt(to: idn, parameters: []).line(), "RCPT TO:<user@xn--bcher-kva.example>")
        XCTAssertEqual(ClientCommand.rcpt(to: idn, parameters: []).line(utf8: true), "RCPT TO:<user@bücher.example>")
        XCTAssertEqual(ClientCommand.mail(from: nil, parameters: ["SIZE=10"]).line(), "MAIL FROM:<> SIZE=10")
        let quoted = MailAddress(localPart: "a b", domain: .ipv4("127.0.0.1"))
        XCTAssertEqual(ClientCommand.mail(from: quoted, parameters: []).line(), "MAIL FROM:<\"a b\"@[127.0.0.1]>")
    }

    func testXText() {
        XCTAssertEqual(XText.encode("a+b=c d"), "a+2Bb+3Dc+20d")
        XCTAssertEqual(XText.decode("a+2Bb+3Dc+20d"), "a+b=c d")
        XCTAssertEqual(XText.decode("plain"), "plain")
    }
}
