// The control socket's JSON lines stay backward compatible: requests without `argument` and responses
// without `portal` (older clients and daemons) decode, and the new fields are left out when unset.

import Foundation
import XCTest
@testable import Gateway

final class ControlProtocolCompatibilityTests: XCTestCase {
    func testAnOldStyleRequestWithoutArgumentStillDecodes() throws {
        let line = Data(#"{"actor":"root","command":"hold","queueID":"abc"}"#.utf8)
        let request = try ControlCodec.decode(ControlRequest.self, from: line)
        XCTAssertEqual(request.command, "hold")
        XCTAssertEqual(request.queueID, "abc")
        XCTAssertEqual(request.actor, "root")
        XCTAssertNil(request.argument)
        XCTAssertNil(try JSONDecoder().decode(ControlRequest.self, from: line).argument, "a plain decoder too")
    }

    func testARequestWithoutArgumentIsWrittenAsBefore() {
        let line = String(decoding: ControlCodec.encodeLine(ControlRequest(command: "flush", actor: "root")), as: UTF8.self)
        XCTAssertEqual(line, #"{"actor":"root","command":"flush"}"# + "\n")
        let portal = String(decoding: ControlCodec.encodeLine(ControlRequest(command: "portal_show", actor: "root", argument: "x")),
                            as: UTF8.self)
        XCTAssertEqual(portal, #"{"actor":"root","argument":"x","command":"portal_show"}"# + "\n")
    }

    func testAResponseWithoutPortalDecodesAndIsWrittenAsBefore() throws {
        let old = try ControlCodec.decode(ControlResponse.self, from: Data(#"{"message":"pong","ok":true}"#.utf8))
        XCTAssertTrue(old.ok)
        XCTAssertNil(old.portal)
        XCTAssertEqual(String(decoding: ControlCodec.encodeLine(old), as: UTF8.self), #"{"message":"pong","ok":true}"# + "\n")
    }

    func testAnOldClientReadsAPortalResponse() throws {
        // What an older client's ControlResponse was: ok and message only; unknown keys are ignored.
        struct OldResponse: Decodable { var ok: Bool; var message: String }
        let lockout = #"{"scope":"client","until":1700000000,"value":"192.0.2.7"}"#
        let line = Data(#"{"message":"1 portal message(s)","ok":true,"portal":{"lockouts":[\#(lockout)],"messages":[]}}"#.utf8)
        let old = try JSONDecoder().decode(OldResponse.self, from: line)
        XCTAssertEqual(old.message, "1 portal message(s)")
        let new = try ControlCodec.decode(ControlResponse.self, from: line)
        XCTAssertEqual(new.portal?.lockouts.first?.until, Date(timeIntervalSince1970: 1_700_000_000))
    }
}
