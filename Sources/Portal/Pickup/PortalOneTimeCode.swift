// PortalOneTimeCode: the emailed code: 8 decimal digits drawn uniformly from the injected randomness,
// good once and until its expiry; a new one replaces the old. Its text never prints itself.

import Foundation

struct PortalOneTimeCode: Sendable, CustomStringConvertible {
    static let digits = 8
    /// 10^8: the number of 8-digit codes.
    private static let space: UInt32 = 100_000_000
    /// The largest multiple of `space` below 2^32: draws at or above it are thrown away (no modulo bias).
    private static let limit: UInt32 = (UInt32.max / space) * space

    /// The digits as typed (leading zeros kept).
    let text: String
    let expires: Date

    init(randomness: any PortalRandomness, expires: Date) {
        var value: UInt32
        repeat {
            value = randomness.bytes(4).reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        } while value >= PortalOneTimeCode.limit
        let number = String(value % PortalOneTimeCode.space)
        text = String(repeating: "0", count: PortalOneTimeCode.digits - number.count) + number
        self.expires = expires
    }

    /// Redacted: a code in a log line would let its reader sign in.
    var description: String { "<portal code>" }

    func isExpired(at now: Date) -> Bool { now >= expires }

    /// Whether `typed` is this code; spaces and dashes a person may type between digits are ignored.
    func matches(_ typed: String) -> Bool {
        PortalSecretCompare.equal(PortalOneTimeCode.normalised(typed), text)
    }

    static func normalised(_ typed: String) -> String {
        String(typed.unicodeScalars.filter { $0 != " " && $0 != "-" && $0 != "\t" }.map(Character.init))
    }
}
