// HexEscapes.decode: the Q encoding, RFC 2231 and form decodings share it: escapes decode in any
// case of hex digit, an escape without two hex digits stays, the space byte only when given.
import XCTest
@testable import MIME

final class HexEscapesTests: XCTestCase {
    private func decode(_ text: String, _ escape: Character, space: Character? = nil) -> String {
        String(decoding: HexEscapes.decode(Array(text.utf8)[...], escape: escape.asciiValue!, space: space?.asciiValue), as: UTF8.self)
    }

    func testEscapesAndSpaces() {
        XCTAssertEqual(decode("a%20b%2Fc%2fd", "%"), "a b/c/d")
        XCTAssertEqual(decode("a+b%2B", "%", space: "+"), "a b+")
        XCTAssertEqual(decode("a+b", "%"), "a+b", "no space byte: + stays")
        XCTAssertEqual(decode("Caf=C3=A9_ok", "=", space: "_"), "Café ok")
    }

    func testIncompleteOrBadEscapesStay() {
        XCTAssertEqual(decode("100%", "%"), "100%")
        XCTAssertEqual(decode("%4", "%"), "%4")
        XCTAssertEqual(decode("%zz%41", "%"), "%zzA")
        XCTAssertEqual(decode("=4", "="), "=4")
        XCTAssertEqual(decode("%41", "%"), "A", "an escape ending the text decodes")
    }

    func testEveryByteRoundTripsThroughItsEscape() {
        let bytes = (0...255).map(UInt8.init)
        let escaped = bytes.map { String(format: "%%%02X", $0) }.joined()
        XCTAssertEqual(HexEscapes.decode(Array(escaped.utf8)[...], escape: UInt8(ascii: "%")), bytes)
    }
}
