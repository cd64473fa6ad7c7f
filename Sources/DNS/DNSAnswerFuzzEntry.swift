// One fuzz input for DNS answer handling without a network: the bytes as a wire-format response
// (parsed by ldns, records copied out and read by RecordData) and, when ldns refuses them, as one
// record's RDATA of the type the first byte picks; shared by the libFuzzer target and the replay test.

public enum DNSAnswerFuzzEntry {
    public struct Outcome: Sendable {
        public var wire = false
        public var records = 0
        public var parsed = 0
    }

    static let types = [RRType.mx, RRType.a, RRType.aaaa, RRType.tlsa, RRType.txt, RRType.ptr, RRType.cname, RRType.soa]

    /// Traps if a parsed name is not lowercase ASCII.
    public static func run(_ bytes: [UInt8]) -> Outcome {
        var outcome = Outcome()
        let records: [RawRecord]
        if let response = LDNSExchange.response(wire: bytes) {
            outcome.wire = true
            records = response.answer + response.authority
            _ = LDNSResolver.negativeTTL(response)
        } else if let first = bytes.first {
            records = [RawRecord(type: types[Int(first) % types.count], ttl: 300, rdata: Array(bytes.dropFirst()))]
        } else {
            records = []
        }
        outcome.records = records.count
        for record in records where (try? read(record)) != nil { outcome.parsed += 1 }
        return outcome
    }

    /// The record read the way the resolver reads its type's answers.
    static func read(_ record: RawRecord) throws {
        switch record.type {
        case RRType.mx: check(try RecordData.mx(record.rdata).host)
        case RRType.a, RRType.aaaa: _ = try RecordData.address(record.type, record.rdata)
        case RRType.tlsa: _ = try RecordData.tlsa(record.rdata)
        case RRType.txt: _ = try RecordData.txt(record.rdata)
        case RRType.ptr, RRType.cname: check(try RecordData.singleName(record.rdata))
        case RRType.soa: _ = RecordData.negativeTTL(record)
        default: _ = try RecordData.name(record.rdata)
        }
    }

    static func check(_ name: String) {
        precondition(name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f && !(0x41...0x5a).contains($0) },
                     "name \"\(name)\" not normalized")
    }
}
