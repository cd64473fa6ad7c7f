// EnrichedText: plain text from text/enriched and text/richtext (RFC 1896): formatting commands and
// <param> contents removed, "<<" is "<", and enriched line-break rules applied.

enum EnrichedText {
    static func plain(_ text: String) -> String {
        let b = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        var paramDepth = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "<") {
                if i + 1 < b.count, b[i + 1] == UInt8(ascii: "<") {
                    if paramDepth == 0 { out.append(c) }
                    i += 2
                    continue
                }
                var j = i + 1
                while j < b.count, b[j] != UInt8(ascii: ">") { j += 1 }
                let command = String(decoding: b[(i + 1)..<min(j, b.count)], as: UTF8.self).lowercased()
                if command == "param" { paramDepth += 1 } else if command == "/param" { paramDepth = max(0, paramDepth - 1) }
                if command == "nl" || command == "br" || command == "/paragraph" { out.append(MIMEBytes.lf) }
                i = j + 1
                continue
            }
            if paramDepth > 0 { i += 1; continue }
            if c == MIMEBytes.lf || c == MIMEBytes.cr {
                // A run of n line breaks is n-1 newlines; a single one is a space.
                var breaks = 0
                while i < b.count, b[i] == MIMEBytes.lf || b[i] == MIMEBytes.cr {
                    if b[i] == MIMEBytes.lf { breaks += 1 }
                    i += 1
                }
                if breaks <= 1 { out.append(MIMEBytes.space) } else { out.append(contentsOf: repeatElement(MIMEBytes.lf, count: breaks - 1)) }
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
