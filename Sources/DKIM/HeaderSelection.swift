// HeaderSelection: the header part of the DKIM hash input (RFC 6376 §5.4.2): for each h= name
// in order, the last not-yet-used field of that name, relaxed; a name with none left adds nothing.

enum HeaderSelection {
    static func canonicalFields(names: [String], from headers: [RawHeaderField]) -> [UInt8] {
        var used = Set<Int>()
        var out: [UInt8] = []
        for name in names {
            let lower = name.lowercased()
            guard let index = headers.indices.reversed().first(where: {
                !used.contains($0) && headers[$0].matchName == lower
            }) else { continue }
            used.insert(index)
            out += RelaxedHeader.canonicalize(field: headers[index].raw)
        }
        return out
    }
}

extension String {
    /// The name without trailing WSP (RFC 6376 §3.4.2 drops WSP before the colon).
    func trimmingWSP() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }
}
