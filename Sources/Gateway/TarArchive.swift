// TarArchive: the POSIX ustar form of a few small regular files, written and read in memory, so an
// audit bundle is one file that `tar -xf` unpacks anywhere. Names up to 100 bytes; no links or dirs.

import Foundation

enum TarArchive {
    struct Member: Equatable {
        var name: String
        var bytes: [UInt8]
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// Each member as a 0644 regular file dated `mtime`, then the two zero blocks that end an archive.
    static func write(_ members: [Member], mtime: Date) -> [UInt8] {
        var out: [UInt8] = []
        for m in members {
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, at offset: Int, width: Int) {
                for (i, b) in text.utf8.prefix(width).enumerated() { header[offset + i] = b }
            }
            func octal(_ value: Int, at offset: Int, width: Int) {
                put(String(repeating: "0", count: max(0, width - 1 - String(value, radix: 8).count)) + String(value, radix: 8),
                    at: offset, width: width - 1)
            }
            put(m.name, at: 0, width: 100)
            octal(0o644, at: 100, width: 8)
            octal(0, at: 108, width: 8)
            octal(0, at: 116, width: 8)
            octal(m.bytes.count, at: 124, width: 12)
            octal(Int(mtime.timeIntervalSince1970), at: 136, width: 12)
            header[156] = UInt8(ascii: "0")
            put("ustar", at: 257, width: 6)
            put("00", at: 263, width: 2)
            for i in 148..<156 { header[i] = UInt8(ascii: " ") }
            let sum = header.reduce(0) { $0 + Int($1) }
            octal(sum, at: 148, width: 7)   // six digits, NUL, space
            header[154] = 0
            header[155] = UInt8(ascii: " ")
            out += header + m.bytes
            out += [UInt8](repeating: 0, count: (512 - m.bytes.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    /// The regular files of an archive, in order; throws on a bad checksum, size or a truncated member.
    static func read(_ archive: [UInt8]) throws -> [Member] {
        var members: [Member] = [], offset = 0
        while offset + 512 <= archive.count {
            let header = Array(archive[offset..<offset + 512])
            if header.allSatisfy({ $0 == 0 }) { return members }
            var check = header
            for i in 148..<156 { check[i] = UInt8(ascii: " ") }
            guard let stored = octal(header[148..<156]), stored == check.reduce(0, { $0 + Int($1) }) else {
                throw Malformed(description: "tar header at byte \(offset): bad checksum")
            }
            guard let size = octal(header[124..<136]) else { throw Malformed(description: "tar header at byte \(offset): bad size") }
            let name = String(decoding: header[0..<100].prefix { $0 != 0 }, as: UTF8.self)
            let start = offset + 512
            guard start + size <= archive.count else { throw Malformed(description: "\(name): cut short") }
            if header[156] == UInt8(ascii: "0") || header[156] == 0 { members.append(Member(name: name, bytes: Array(archive[start..<start + size]))) }
            offset = start + (size + 511) / 512 * 512
        }
        throw Malformed(description: "no end-of-archive blocks: cut short")
    }

    private static func octal(_ field: ArraySlice<UInt8>) -> Int? {
        let text = String(decoding: field.prefix { $0 != 0 && $0 != UInt8(ascii: " ") }, as: UTF8.self)
        return Int(text.trimmingCharacters(in: .whitespaces), radix: 8)
    }
}
