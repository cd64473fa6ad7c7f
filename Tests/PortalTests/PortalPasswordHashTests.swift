// The password hash is scrypt as RFC 7914 defines it: its test vector (the first 32 bytes of the
// 64-byte output, which is PBKDF2's first block) comes out of the portal's stretch.

import Foundation
@testable import Portal
import XCTest

final class PortalPasswordHashTests: XCTestCase {
    func testRFC7914TestVector() throws {
        let hash = PortalPasswordHash(log2Rounds: 10, blockSize: 8, parallelism: 16)
        let out = try hash.stretch("password", salt: Array("NaCl".utf8))
        XCTAssertEqual(out.map { String(format: "%02x", $0) }.joined(),
                       "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162")
    }
}
