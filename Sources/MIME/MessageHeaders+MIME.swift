// MessageHeaders+MIME: the header/body split and header parse the MIME parser uses on nested parts.
// Linear in the input (however many folds), non-UTF-8 bytes read as Windows-1252, stray lines kept.

extension MessageHeaders {
    /// The header section of a whole message, parsed; the body is not read.
    public init(headerOf message: [UInt8]) { self.init(parsing: Self.splitEntity(message[...]).header) }

    /// Splits an entity at its first empty line. An entity whose first line is not a header field has
    /// no header section at all (its text is body, so nothing is dropped unscanned).
    static func splitEntity(_ bytes: ArraySlice<UInt8>) -> (header: ArraySlice<UInt8>, body: ArraySlice<UInt8>) {
        var lineStart = bytes.startIndex
        var first = true
        while lineStart < bytes.endIndex {
            let lfAt = MIMEBytes.index(of: MIMEBytes.lf, in: bytes, from: lineStart)
            let lineEnd = lfAt ?? bytes.endIndex
            var contentEnd = lineEnd
            if contentEnd > lineStart, bytes[contentEnd - 1] == MIMEBytes.cr { contentEnd -= 1 }
            let line = bytes[lineStart..<contentEnd]
            if line.isEmpty {
                let bodyStart = lfAt.map { $0 + 1 } ?? bytes.endIndex
                return (bytes[bytes.startIndex..<lineStart], bytes[bodyStart..<bytes.endIndex])
            }
            if first, !isFieldStart(line), !isMboxFromLine(line) {
                return (bytes[bytes.startIndex..<bytes.startIndex], bytes)
            }
            first = false
            guard let lf = lfAt else { break }
            lineStart = lf + 1
        }
        return (bytes, bytes[bytes.endIndex..<bytes.endIndex])
    }

    /// Parses a header section. Returns the fields and the lines that were neither a field nor a
    /// continuation (they are scanned as text by the decoder rather than silently dropped).
    static func parseMIME(_ section: ArraySlice<UInt8>) -> (headers: MessageHeaders, stray: [ArraySlice<UInt8>]) {
        var fields: [HeaderField] = []
        var stray: [ArraySlice<UInt8>] = []
        var name: String?
        var value: [UInt8] = []

        func finish() {
            guard let n = name else { return }
            let text = Charsets.decode(value[...], charset: nil).trimmingWhitespace()
            fields.append(HeaderField(name: n, value: text))
            name = nil
            value.removeAll(keepingCapacity: true)
        }

        for line in MIMEBytes.lines(section) {
            guard let firstByte = line.first else { continue }
            if firstByte == MIMEBytes.space || firstByte == MIMEBytes.tab {
                if name != nil { value.append(contentsOf: line) } else { stray.append(line) }
                continue
            }
            guard let colon = fieldColon(line) else {
                if !isMboxFromLine(line) || !fields.isEmpty || name != nil { stray.append(line) }
                continue
            }
            finish()
            var nameEnd = colon
            while nameEnd > line.startIndex, line[nameEnd - 1] == MIMEBytes.space || line[nameEnd - 1] == MIMEBytes.tab {
                nameEnd -= 1
            }
            name = String(decoding: line[line.startIndex..<nameEnd], as: UTF8.self)
            value.append(contentsOf: line[(colon + 1)...])
        }
        finish()
        return (MessageHeaders(fields: fields), stray)
    }

    /// The colon's index when `line` starts "name:" (printable ASCII name, blanks allowed before ":").
    private static func fieldColon(_ line: ArraySlice<UInt8>) -> Int? {
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if c == UInt8(ascii: ":") {
                return i > line.startIndex ? i : nil
            }
            if c == MIMEBytes.space || c == MIMEBytes.tab {
                // Only blanks may follow until the colon ("Subject : x").
                var j = i
                while j < line.endIndex, line[j] == MIMEBytes.space || line[j] == MIMEBytes.tab { j += 1 }
                return (j < line.endIndex && line[j] == UInt8(ascii: ":") && i > line.startIndex) ? j : nil
            }
            guard c > 0x20, c < 0x7F else { return nil }
            i += 1
        }
        return nil
    }

    private static func isFieldStart(_ line: ArraySlice<UInt8>) -> Bool { fieldColon(line) != nil }

    /// An mbox "From " separator line, which files saved from a mailbox begin with.
    private static func isMboxFromLine(_ line: ArraySlice<UInt8>) -> Bool {
        line.count > 5 && line.prefix(5).elementsEqual("From ".utf8)
    }
}
