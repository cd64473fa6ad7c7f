// EightBitDowngrade: RFC 6152 §3 lets a relay convert an 8-bit message for a next hop without
// 8BITMIME: every MIME leaf whose body has 8-bit bytes is re-encoded as quoted-printable.

import Foundation
import MIME

enum EightBitDowngrade {
    static func has8Bit<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.contains { $0 >= 0x80 }
    }

    /// The message unchanged when it is 7-bit, else with its 8-bit parts in quoted-printable.
    static func convertIfNeeded(_ message: [UInt8]) -> [UInt8] {
        guard has8Bit(message) else { return message }
        return convertEntity(ArraySlice(message))
    }

    /// One MIME entity (headers, blank line, body): recurse into multiparts, re-encode 8-bit leaves.
    static func convertEntity(_ entity: ArraySlice<UInt8>) -> [UInt8] {
        let (header, body) = MIMEEntity.split(entity)
        guard has8Bit(body) else { return Array(entity) }
        let fields = MIMEEntity.unfoldedFields(header)
        let contentType = MIMEEntity.value("content-type", in: fields) ?? "text/plain"
        let lowerType = contentType.lowercased()
        if lowerType.hasPrefix("multipart/"), let boundary = MIMEEntity.parameter("boundary", in: contentType) {
            return Array(header) + MultipartBody.map(body, boundary: boundary, convertEntity)
        }
        if lowerType.hasPrefix("message/rfc822") {
            return Array(header) + convertEntity(body)
        }
        let encoding = (MIMEEntity.value("content-transfer-encoding", in: fields) ?? "7bit").lowercased()
        // base64 and quoted-printable bodies are 7-bit already; only 7bit/8bit (mislabelled) bodies change.
        guard encoding == "8bit" || encoding == "7bit" else { return Array(entity) }
        let newHeader = MIMEEntity.replacingTransferEncoding(header, with: "quoted-printable")
        return newHeader + QuotedPrintable.encode(body)
    }
}

/// Splitting a MIME entity into header and body, and reading header values and parameters.
enum MIMEEntity {
    /// The header including the blank line that ends it, and the body after it.
    static func split(_ entity: ArraySlice<UInt8>) -> (header: ArraySlice<UInt8>, body: ArraySlice<UInt8>) {
        var i = entity.startIndex
        while i < entity.endIndex {
            let lineEnd = entity[i...].firstIndex(of: 0x0A) ?? entity.endIndex
            let line = entity[i..<lineEnd]
            let next = lineEnd < entity.endIndex ? lineEnd + 1 : lineEnd
            if line.isEmpty || line == [0x0D] { return (entity[entity.startIndex..<next], entity[next...]) }
            i = next
        }
        return (entity, entity[entity.endIndex...])
    }

    /// The header's lines without their CR LF (split on bytes: "\r\n" is one Character in Swift).
    static func lines(_ header: ArraySlice<UInt8>) -> [String] {
        header.split(separator: 0x0A, omittingEmptySubsequences: false).map { raw in
            String(decoding: raw.last == 0x0D ? raw.dropLast() : raw, as: UTF8.self)
        }
    }

    /// (lower-cased name, unfolded value) for each field.
    static func unfoldedFields(_ header: ArraySlice<UInt8>) -> [(String, String)] {
        var fields: [(String, String)] = []
        for line in lines(header) where !line.isEmpty {
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((line[..<colon].lowercased().trimmingCharacters(in: .whitespaces),
                               line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        return fields
    }

    static func value(_ name: String, in fields: [(String, String)]) -> String? {
        fields.first { $0.0 == name }?.1
    }

    /// A parameter of a structured value (`boundary="abc"`), quotes removed.
    static func parameter(_ name: String, in value: String) -> String? {
        for part in value.split(separator: ";").dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var v = kv[1].trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }

    /// The header with Content-Transfer-Encoding (and its folded lines) replaced, or added before the blank line.
    static func replacingTransferEncoding(_ header: ArraySlice<UInt8>, with encoding: String) -> [UInt8] {
        var lines = MIMEEntity.lines(header)
        var i = 0
        while i < lines.count {
            if lines[i].lowercased().hasPrefix("content-transfer-encoding:") {
                lines.remove(at: i)
                while i < lines.count, lines[i].first == " " || lines[i].first == "\t" { lines.remove(at: i) }
            } else { i += 1 }
        }
        // `lines` ends with "", "" (the blank line and the empty tail after the final CRLF).
        let insertAt = max(0, lines.count - 2)
        lines.insert("Content-Transfer-Encoding: \(encoding)", at: insertAt)
        return Array(lines.joined(separator: "\r\n").utf8)
    }
}

/// Applying a transform to each part of a multipart body, keeping preamble, delimiters and epilogue.
enum MultipartBody {
    static func map(_ body: ArraySlice<UInt8>, boundary: String, _ transform: (ArraySlice<UInt8>) -> [UInt8]) -> [UInt8] {
        let delimiter = Array("--\(boundary)".utf8)
        var out: [UInt8] = []
        var partStart: Int?
        var i = body.startIndex
        while i < body.endIndex {
            let lineEnd = body[i...].firstIndex(of: 0x0A).map { $0 + 1 } ?? body.endIndex
            let line = body[i..<lineEnd]
            if line.starts(with: delimiter) {
                if let start = partStart {
                    // The CRLF before the delimiter belongs to the delimiter (RFC 2046 §5.1.1).
                    var end = i
                    if end - 2 >= start, body[end - 2] == 0x0D, body[end - 1] == 0x0A { end -= 2 }
                    out += transform(body[start..<end]) + body[end..<i]
                }
                out += line
                let closing = line.dropFirst(delimiter.count).starts(with: [0x2D, 0x2D])
                partStart = closing ? nil : lineEnd
                if closing { out += body[lineEnd...]; return out }
            } else if partStart == nil {
                out += line
            }
            i = lineEnd
        }
        if let start = partStart { out += transform(body[start...]) }
        return out
    }
}
