// RawHeaderFields: a message's header section as raw fields (name plus the exact bytes, folding
// kept), and which fields describe content, trace the route, or are what header protection hides.

struct RawHeaderField {
    /// The field name as written.
    let name: String
    /// The bytes after the colon up to the field's last line end (continuation lines included), CRLF form.
    let rawValue: [UInt8]

    var lowercasedName: String { name.lowercased() }

    /// The field as it goes on the wire: `Name:value` and CRLF.
    var bytes: [UInt8] { Array(name.utf8) + [UInt8(ascii: ":")] + rawValue + [0x0D, 0x0A] }

    /// Content headers describe the entity (RFC 2045): they move inside the encrypted part.
    var isContentField: Bool { lowercasedName.hasPrefix("content-") || lowercasedName == "mime-version" }

    /// Trace and transport fields belong to the route, not to what the author wrote.
    var isTraceField: Bool {
        let n = lowercasedName
        return ["received", "return-path", "delivered-to", "dkim-signature", "authentication-results",
                "received-spf", "x-original-to"].contains(n) || n.hasPrefix("arc-")
    }
}

enum RawHeaderFields {
    /// Splits a CRLF-canonical message into its raw header fields and its body. Lines that are
    /// neither a field nor a continuation are dropped (as MIME's MessageHeaders does).
    static func split(_ message: [UInt8]) -> (fields: [RawHeaderField], body: ArraySlice<UInt8>) {
        var fields: [(name: String, value: [UInt8])] = []
        var i = 0
        while i < message.count {
            let end = lineEnd(message, from: i)
            let line = message[i..<end]
            let next = min(end + 2, message.count)
            if line.isEmpty { return (fields.map { RawHeaderField(name: $0.name, rawValue: $0.value) }, message[next...]) }
            if let first = line.first, first == 0x20 || first == 0x09 {
                if !fields.isEmpty { fields[fields.count - 1].value += [0x0D, 0x0A] + line }
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
                if !name.isEmpty, !name.contains(" "), !name.contains("\t") {
                    fields.append((name, Array(line[(colon + 1)...])))
                }
            }
            i = next
        }
        return (fields.map { RawHeaderField(name: $0.name, rawValue: $0.value) }, message[message.count...])
    }

    /// The index of the CR of the next CRLF at or after `from` (or the end).
    private static func lineEnd(_ bytes: [UInt8], from: Int) -> Int {
        var j = from
        while j + 1 < bytes.count {
            if bytes[j] == 0x0D, bytes[j + 1] == 0x0A { return j }
            j += 1
        }
        return bytes.count
    }
}
