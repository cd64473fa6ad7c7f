// PortalURLEncodedForm: an application/x-www-form-urlencoded body (WHATWG URL §5.1): `+` is a
// space, %XX a byte, names and values UTF-8; a repeated name keeps its first value.

import Foundation
import MIME

struct PortalURLEncodedForm {
    private var values: [String: String] = [:]

    init(_ body: [UInt8]) {
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if values[name] == nil { values[name] = value }
        }
    }

    subscript(name: String) -> String? { values[name] }

    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: HexEscapes.decode(bytes, escape: UInt8(ascii: "%"), space: UInt8(ascii: "+")), as: UTF8.self)
    }
}
