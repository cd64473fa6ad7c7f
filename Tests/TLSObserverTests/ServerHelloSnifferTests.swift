// Tests for ServerHelloSniffer: TLS 1.2 and 1.3 ServerHellos built byte by byte, fed at every
// split point, plus records that must make it give up (ClientHello, application data).

import XCTest
import NIOCore
@testable import TLSObserver

final class ServerHelloSnifferTests: XCTestCase {
    /// Builds a handshake record holding a ServerHello with the given suite and optional
    /// supported_versions extension.
    func serverHelloRecord(suite: UInt16, supportedVersion: UInt16?, sessionID: Int = 32) -> [UInt8] {
        var body: [UInt8] = [0x03, 0x03] + Array(repeating: 0xAB, count: 32)
        body += [UInt8(sessionID)] + Array(repeating: 0x11, count: sessionID)
        body += [UInt8(suite >> 8), UInt8(suite & 0xff), 0x00]
        var exts: [UInt8] = [0x00, 0x17, 0x00, 0x00]   // extended_master_secret, empty
        if let v = supportedVersion { exts += [0x00, 0x2B, 0x00, 0x02, UInt8(v >> 8), UInt8(v & 0xff)] }
        body += [UInt8(exts.count >> 8), UInt8(exts.count & 0xff)] + exts
        let hs: [UInt8] = [0x02, 0x00, UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body
        return [0x16, 0x03, 0x03, UInt8(hs.count >> 8), UInt8(hs.count & 0xff)] + hs
    }

    func feedSplit(_ bytes: [UInt8], at split: Int) -> ObservedTLS? {
        var s = ServerHelloSniffer()
        s.feed(ByteBuffer(bytes: bytes[..<split]))
        s.feed(ByteBuffer(bytes: bytes[split...]))
        return s.result
    }

    func testTLS13AtEverySplit() {
        let rec = serverHelloRecord(suite: 0x1302, supportedVersion: 0x0304) + [0x14, 0x03, 0x03, 0x00, 0x01, 0x01]
        for split in 0...rec.count {
            let o = feedSplit(rec, at: split)
            XCTAssertEqual(o, ObservedTLS(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: 256, algorithmBits: 256), "split \(split)")
        }
    }

    func testTLS12ByteAtATime() {
        let rec = serverHelloRecord(suite: 0xC02F, supportedVersion: nil, sessionID: 0)
        var s = ServerHelloSniffer()
        for b in rec { s.feed(ByteBuffer(bytes: [b])) }
        XCTAssertEqual(s.result?.version, "TLSv1.2")
        XCTAssertEqual(s.result?.cipher, "ECDHE-RSA-AES128-GCM-SHA256")
        XCTAssertEqual(s.result?.bits, 128)
    }

    func testHandshakeMessageSplitAcrossRecords() {
        let rec = serverHelloRecord(suite: 0x1301, supportedVersion: 0x0304)
        let hs = Array(rec[5...])
        let a = Array(hs[..<20]), b = Array(hs[20...])
        let twoRecords = [0x16, 0x03, 0x03, 0x00, UInt8(a.count)] + a + [0x16, 0x03, 0x03, UInt8(b.count >> 8), UInt8(b.count & 0xff)] + b
        var s = ServerHelloSniffer()
        s.feed(ByteBuffer(bytes: twoRecords))
        XCTAssertEqual(s.result?.cipher, "TLS_AES_128_GCM_SHA256")
    }

    func testGivesUpOnApplicationDataAndClientHello() {
        var s = ServerHelloSniffer()
        s.feed(ByteBuffer(bytes: [0x17, 0x03, 0x03, 0x00, 0x02, 0x00, 0x00]))
        XCTAssertTrue(s.isDone)
        XCTAssertNil(s.result)
        var c = ServerHelloSniffer()
        c.feed(ByteBuffer(bytes: [0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00]))
        XCTAssertTrue(c.isDone)
        XCTAssertNil(c.result)
    }

    func testUnknownSuiteIsNamedByNumber() {
        let rec = serverHelloRecord(suite: 0xFFEE, supportedVersion: nil)
        var s = ServerHelloSniffer()
        s.feed(ByteBuffer(bytes: rec))
        XCTAssertEqual(s.result?.cipher, "0xFFEE")
        XCTAssertEqual(s.result?.bits, 0)
    }
}
