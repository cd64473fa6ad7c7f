// MessageHeaders: the header section of an RFC 5322 message, split from the body, with folded
// lines joined and case-insensitive lookup. Field values are kept as raw text (no RFC 2047 decoding).

public struct HeaderField: Sendable, Equatable {
    /// The name as written.
    public var name: String
    /// The value after the colon, unfolded (CRLF+WSP becomes the WSP) and trimmed.
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct MessageHeaders: Sendable, Equatable {
    public var fields: [HeaderField]

    public init(fields: [HeaderField] = []) {
        self.fields = fields
    }

    /// The first value of the field `name`, compared case-insensitively.
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name.lowercased() == key }?.value
    }

    /// Every value of the field `name`, in order.
    public func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name.lowercased() == key }.map(\.value)
    }

    /// Parses a header section (the bytes before the empty line). Lines that are neither a field
    /// nor a continuation are skipped rather than fatal: this is robust reading of mail as it comes.
    public init(parsing section: ArraySlice<UInt8>) {
        // Each field's bytes are gathered first and decoded once, so a header folded over
        // thousands of lines costs linear time (hostile mail does that).
        var pending: [(name: String, value: [UInt8])] = []
        for line in MessageHeaders.lines(section) {
            guard let first = line.first else { continue }
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                guard !pending.isEmpty else { continue }
                pending[pending.count - 1].value.append(contentsOf: line)
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).trimmingWhitespace()
            guard !name.isEmpty, !name.contains(" ") else { continue }
            pending.append((name, Array(line[(colon + 1)...])))
        }
        self.fields = pending.map { HeaderField(name: $0.name, value: String(decoding: $0.value, as: UTF8.self).trimmingWhitespace()) }
    }

    public init(parsing message: [UInt8]) {
        self.init(parsing: MessageSplit(message).header)
    }

    /// Splits on CRLF or bare LF, without the line ends.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "\n") {
                var end = i
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                out.append(bytes[start..<end])
                start = i + 1
            }
            i += 1
        }
        if start < bytes.endIndex { out.append(bytes[start..<bytes.endIndex]) }
        return out
    }
}

/// A message split at the first empty line into the header section and the body.
public struct MessageSplit {
    /// The header lines, each with its line end, without the empty separator line.
    public let header: ArraySlice<UInt8>
    /// Everything after the empty line (empty when the message has no body).
    public let body: ArraySlice<UInt8>

    public init(_ message: [UInt8]) {
        let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var lineStart = 0
        var i = 0
        while i < message.count {
            if message[i] == lf {
                let line = message[lineStart..<i]
                if line.isEmpty || (line.count == 1 && line.first == cr) {
                    header = message[0..<lineStart]
                    body = message[(i + 1)...]
                    return
                }
                lineStart = i + 1
            }
            i += 1
        }
        // No empty line: a message that is all header.
        header = message[0...]
        body = []
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s.removeLast() }
        return String(s)
    }
}
