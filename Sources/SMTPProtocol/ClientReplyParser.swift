// ClientReplyParser: the SMTP client's incremental reader of server replies. It takes bytes as
// they arrive (any split), joins multi-line replies (`250-...` / `250 ...`) and extracts RFC 2034 codes.

import MailCore
import NIOCore

public enum ClientReplyError: Error, Equatable, Sendable, CustomStringConvertible {
    case lineTooLong
    case tooManyLines
    case malformed(String)
    case inconsistentCode(Int, Int)

    public var description: String {
        switch self {
        case .lineTooLong: return "reply line too long"
        case .tooManyLines: return "reply has too many lines"
        case .malformed(let line): return "malformed reply line: \(line)"
        case .inconsistentCode(let a, let b): return "reply code changed within a multi-line reply (\(a) then \(b))"
        }
    }
}

public struct ClientReplyParser: Sendable {
    /// RFC 5321 §4.5.3.1.5 says 512 octets per reply line; real servers go beyond, so allow more.
    public let maxLineLength: Int
    public let maxLines: Int

    private var partialLine: [UInt8] = []
    private var pendingCode: Int?
    private var pendingLines: [String] = []

    public init(maxLineLength: Int = 4096, maxLines: Int = 200) {
        self.maxLineLength = maxLineLength
        self.maxLines = maxLines
    }

    /// Consumes everything readable in `buffer` and returns the replies completed by it, in order.
    public mutating func feed(_ buffer: inout ByteBuffer) throws -> [SMTPReply] {
        var replies: [SMTPReply] = []
        while let byte = buffer.readInteger(as: UInt8.self) {
            if byte == UInt8(ascii: "\n") {
                if partialLine.last == UInt8(ascii: "\r") { partialLine.removeLast() }
                let line = partialLine
                partialLine.removeAll(keepingCapacity: true)
                if let reply = try accept(line: line) { replies.append(reply) }
            } else {
                guard partialLine.count < maxLineLength else { throw ClientReplyError.lineTooLong }
                partialLine.append(byte)
            }
        }
        return replies
    }

    /// True when a reply has been started but not finished (bytes are buffered).
    public var hasPartialReply: Bool { !partialLine.isEmpty || pendingCode != nil }

    private mutating func accept(line: [UInt8]) throws -> SMTPReply? {
        let text = String(decoding: line, as: UTF8.self)
        guard line.count >= 3, line[0..<3].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let code = Int(String(decoding: line[0..<3], as: UTF8.self)), (200...599).contains(code) else {
            throw ClientReplyError.malformed(text)
        }
        let isLast: Bool
        if line.count == 3 {
            isLast = true
        } else if line[3] == UInt8(ascii: " ") {
            isLast = true
        } else if line[3] == UInt8(ascii: "-") {
            isLast = false
        } else {
            throw ClientReplyError.malformed(text)
        }
        if let pendingCode, pendingCode != code { throw ClientReplyError.inconsistentCode(pendingCode, code) }
        guard pendingLines.count < maxLines else { throw ClientReplyError.tooManyLines }
        pendingCode = code
        pendingLines.append(line.count > 4 ? String(decoding: line[4...], as: UTF8.self) : "")
        guard isLast else { return nil }
        let reply = ClientReplyParser.makeReply(code: code, lines: pendingLines)
        pendingCode = nil
        pendingLines = []
        return reply
    }

    /// Splits the enhanced status off each line when the first line carries one whose class
    /// matches the reply code's first digit (RFC 2034 §4).
    static func makeReply(code: Int, lines: [String]) -> SMTPReply {
        guard let first = lines.first, let (status, _) = splitStatus(first), status.klass == code / 100 else {
            return SMTPReply(code, nil, lines)
        }
        let texts = lines.map { line -> String in
            if let (s, rest) = splitStatus(line), s == status { return rest }
            return line
        }
        return SMTPReply(code, status, texts)
    }

    static func splitStatus(_ line: String) -> (EnhancedStatus, String)? {
        let token: Substring
        let rest: Substring
        if let space = line.firstIndex(of: " ") {
            token = line[..<space]
            rest = line[line.index(after: space)...]
        } else {
            token = Substring(line)
            rest = ""
        }
        guard let status = EnhancedStatus(String(token)) else { return nil }
        return (status, String(rest))
    }
}
