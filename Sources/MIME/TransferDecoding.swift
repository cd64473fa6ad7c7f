// TransferDecoding: tolerant base64 and quoted-printable decoders for Content-Transfer-Encoding and
// RFC 2047 words. Junk is skipped, never fatal; QP soft line breaks are removed so split identifiers rejoin.

import Foundation

public enum TransferDecoding {
    /// Base64, skipping whitespace and junk; `=` padding ends a quantum so concatenated blobs decode too.
    public static func base64(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        base64Counting(bytes).bytes
    }

    /// Quoted-printable: `=XX` (either case) becomes a byte, `=` + optional blanks + line end is a soft
    /// break and disappears, any other `=` is kept literally.
    public static func quotedPrintable(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        let n = bytes.count
        guard n > 0 else { return [] }
        return bytes.withUnsafeBufferPointer { src -> [UInt8] in
            guard let p = src.baseAddress else { return [] }
            return [UInt8](unsafeUninitializedCapacity: n) { out, written in
                guard let o = out.baseAddress else { written = 0; return }
                var i = 0, w = 0
                while i < n {
                    // Copy the run up to the next "=" in one go.
                    let rest = n - i
                    let hit = memchrEquals(p + i, rest)
                    let run = hit ?? rest
                    if run > 0 {
                        (o + w).initialize(from: p + i, count: run)
                        w += run; i += run
                    }
                    guard hit != nil else { break }
                    // p[i] == "="
                    if i + 2 < n, let hi = MIMEBytes.hexValue(p[i + 1]), let lo = MIMEBytes.hexValue(p[i + 2]) {
                        o[w] = hi << 4 | lo; w += 1; i += 3
                        continue
                    }
                    var j = i + 1
                    while j < n, p[j] == MIMEBytes.space || p[j] == MIMEBytes.tab { j += 1 }
                    if j == n { i = n; break }                                   // "=" at the very end
                    if p[j] == MIMEBytes.lf { i = j + 1; continue }               // soft break, bare LF
                    if p[j] == MIMEBytes.cr {
                        i = (j + 1 < n && p[j + 1] == MIMEBytes.lf) ? j + 2 : j + 1   // soft break
                        continue
                    }
                    o[w] = p[i]; w += 1; i += 1                                    // a literal "="
                }
                written = w
            }
        }
    }

    /// Base64 and the number of bytes that were neither alphabet, whitespace nor padding.
    static func base64Counting(_ bytes: ArraySlice<UInt8>) -> (bytes: [UInt8], junk: Int) {
        let n = bytes.count
        guard n > 0 else { return ([], 0) }
        var junk = 0
        let decoded = bytes.withUnsafeBufferPointer { src -> [UInt8] in
            guard let p = src.baseAddress else { return [] }
            return base64Table.withUnsafeBufferPointer { table -> [UInt8] in
                [UInt8](unsafeUninitializedCapacity: n / 4 * 3 + 3) { out, written in
                    guard let o = out.baseAddress else { written = 0; return }
                    var acc: UInt32 = 0, have = 0, w = 0
                    for i in 0..<n {
                        let v = table[Int(p[i])]
                        if v < 64 {
                            acc = acc << 6 | UInt32(v)
                            have += 1
                            if have == 4 {
                                o[w] = UInt8(truncatingIfNeeded: acc >> 16)
                                o[w + 1] = UInt8(truncatingIfNeeded: acc >> 8)
                                o[w + 2] = UInt8(truncatingIfNeeded: acc)
                                w += 3; have = 0; acc = 0
                            }
                        } else if v == padding {
                            w = flush(acc, have, o, w); have = 0; acc = 0
                        } else if v == invalid {
                            junk += 1
                        }
                    }
                    written = flush(acc, have, o, w)
                }
            }
        }
        return (decoded, junk)
    }

    /// Emits the bytes of a partial quantum (2 sextets: 1 byte, 3 sextets: 2 bytes).
    private static func flush(_ acc: UInt32, _ have: Int, _ o: UnsafeMutablePointer<UInt8>, _ w: Int) -> Int {
        switch have {
        case 2:
            o[w] = UInt8(truncatingIfNeeded: acc >> 4)
            return w + 1
        case 3:
            o[w] = UInt8(truncatingIfNeeded: acc >> 10)
            o[w + 1] = UInt8(truncatingIfNeeded: acc >> 2)
            return w + 2
        default:
            return w
        }
    }

    private static func memchrEquals(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        guard let hit = memchr(p, 0x3D, count) else { return nil }
        return UnsafeRawPointer(p).distance(to: UnsafeRawPointer(hit))
    }

    private static let invalid: UInt8 = 0xFF
    private static let skip: UInt8 = 0xFE
    private static let padding: UInt8 = 0xFD

    private static let base64Table: [UInt8] = {
        var t = [UInt8](repeating: invalid, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        for c in [0x20, 0x09, 0x0D, 0x0A, 0x0C, 0x0B] { t[c] = skip }
        t[Int(UInt8(ascii: "="))] = padding
        return t
    }()
}
