// The "relaxed" body canonicalisation of RFC 6376 §3.4.4 (with erratum 1384): WSP at line ends
// dropped, WSP runs made one space, empty lines at the end dropped, a final CRLF added to a
// non-empty body; an empty body (or one of only empty lines) is the empty string.

enum RelaxedBody {
    static func canonicalize<S: Collection>(_ body: S) -> [UInt8] where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + 2)
        var line: [UInt8] = []
        var pendingEmptyLines = 0
        var index = body.startIndex
        func flush(endsWithCRLF: Bool) {
            // `line` has no trailing WSP (it is never appended) and single-space runs.
            if line.isEmpty {
                if endsWithCRLF { pendingEmptyLines += 1 }
                return
            }
            for _ in 0..<pendingEmptyLines { out.append(contentsOf: [0x0D, 0x0A]) }
            pendingEmptyLines = 0
            out.append(contentsOf: line)
            out.append(contentsOf: [0x0D, 0x0A])  // also the CRLF added to a last line without one
            line.removeAll(keepingCapacity: true)
        }
        var pendingSpace = false
        while index != body.endIndex {
            let byte = body[index]
            let next = body.index(after: index)
            if byte == 0x0D, next != body.endIndex, body[next] == 0x0A {
                pendingSpace = false  // WSP before CRLF is dropped
                flush(endsWithCRLF: true)
                index = body.index(after: next)
                continue
            }
            if RelaxedHeader.isWSP(byte) {
                pendingSpace = true
            } else {
                if pendingSpace { line.append(0x20) }
                pendingSpace = false
                line.append(byte)
            }
            index = next
        }
        // A last line without CRLF keeps its trailing WSP as one SP, as dkimpy does: it
        // is not "at the end of a line" until the CRLF that canonicalisation adds.
        if pendingSpace { line.append(0x20) }
        flush(endsWithCRLF: false)
        return out
    }
}
