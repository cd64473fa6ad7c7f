// SpoolCodec: the JSON form of envelopes and recipient states inside sealed spool files
// (sorted keys, ISO 8601 dates with milliseconds), and decoding errors mapped to SpoolError.

import Foundation

enum SpoolCodec {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, enc in
            var c = enc.singleValueContainer()
            try c.encode(date.formatted(iso8601))
        }
        do { return Array(try encoder.encode(value)) } catch {
            throw SpoolError.invalidArgument("cannot encode \(T.self): \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], what: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { dec in
            let c = try dec.singleValueContainer()
            let text = try c.decode(String.self)
            if let d = try? iso8601.parse(text) { return d }
            if let d = try? Date.ISO8601FormatStyle().parse(text) { return d }
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "bad date \(text)")
        }
        do { return try decoder.decode(T.self, from: Data(bytes)) } catch {
            throw SpoolError.corrupt("\(what): undecodable \(T.self) (\(error))")
        }
    }

    static let iso8601 = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
