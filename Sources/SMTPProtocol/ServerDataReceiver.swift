// Receives the DATA body: finds the exact CRLF.CRLF terminator, dot-unstuffs, enforces the size
// and line limits by draining, counts Received: headers, and spots bare CR/LF (SMTP smuggling).

import NIOCore

/// Why a message that reached its final dot is not accepted.
enum ServerDataRejection: Equatable {
    case tooBig, lineTooLong, tooManyHops
}

enum ServerDataEvent: Equatable {
    case needMore
    /// A bare LF or CR under the reject policy; `isCR` says which. The session must end.
    case bareNewline(isCR: Bool)
    case finished(ServerDataRejection?)
}

struct ServerDataReceiver {
    let maxMessageSize: Int
    let maxLineLength: Int
    let maxReceivedHeaders: Int
    let normalizeBareLF: Bool

    private(set) var data = ByteBuffer()
    private var size = 0
    private var inHeaders = true
    private var receivedHeaders = 0
    /// True while inside a line longer than the limit, part of which was already consumed.
    private var midLongLine = false
    private var tooBig = false
    private var lineTooLong = false
    /// Readable bytes already searched for LF without finding one, so slow senders of long lines
    /// do not make every call rescan the same bytes.
    private var scanned = 0

    init(maxMessageSize: Int, maxLineLength: Int, maxReceivedHeaders: Int, normalizeBareLF: Bool) {
        self.maxMessageSize = maxMessageSize
        self.maxLineLength = maxLineLength
        self.maxReceivedHeaders = maxReceivedHeaders
        self.normalizeBareLF = normalizeBareLF
    }

    private var rejected: Bool { tooBig || lineTooLong }

    mutating func consume(_ buffer: inout ByteBuffer) -> ServerDataEvent {
        while true {
            let view = buffer.readableBytesView
            let searchFrom = view.index(view.startIndex, offsetBy: min(scanned, view.count))
            guard let lf = view[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) else {
                let event = consumePartial(&buffer)
                scanned = buffer.readableBytes
                return event
            }
            scanned = 0
            let line = view[view.startIndex...lf]
            buffer.moveReaderIndex(forwardBy: line.count)
            if let event = handleLine(line) { return event }
        }
    }

    /// With no LF in sight: consume an over-long line's bytes now (keeping a trailing CR, whose
    /// meaning depends on the next byte) so an endless line cannot fill memory.
    private mutating func consumePartial(_ buffer: inout ByteBuffer) -> ServerDataEvent {
        let view = buffer.readableBytesView
        guard view.count > maxLineLength || (midLongLine && !view.isEmpty) else { return .needMore }
        var chunk = view[...]
        if chunk.last == UInt8(ascii: "\r") { chunk = chunk.dropLast() }
        guard !chunk.isEmpty else { return .needMore }
        if let event = checkBareCR(in: chunk) { return event }
        let atLineStart = !midLongLine
        let stuffed = atLineStart && chunk.first == UInt8(ascii: ".")
        count(stuffed ? chunk.dropFirst() : chunk, atLineStart: atLineStart)
        midLongLine = true
        lineTooLong = true
        discardData()
        buffer.moveReaderIndex(forwardBy: chunk.count)
        return .needMore
    }

    /// Handles one line, LF included. Returns an event when the body ends or must be refused.
    private mutating func handleLine(_ line: ByteBufferView.SubSequence) -> ServerDataEvent? {
        let endsCRLF = line.count >= 2 && line[line.index(line.endIndex, offsetBy: -2)] == UInt8(ascii: "\r")
        let content = line.dropLast(endsCRLF ? 2 : 1)
        if let event = checkBareCR(in: content) { return event }
        if !endsCRLF && !normalizeBareLF { return .bareNewline(isCR: false) }
        let atLineStart = !midLongLine
        midLongLine = false
        if atLineStart && content.count == 1 && content.first == UInt8(ascii: ".") {
            return .finished(verdict())
        }
        if !atLineStart || content.count + 2 > maxLineLength {
            lineTooLong = true
            discardData()
        }
        let unstuffed = atLineStart && content.first == UInt8(ascii: ".") ? content.dropFirst() : content
        count(unstuffed[...], atLineStart: atLineStart)
        if atLineStart { trackHeader(unstuffed) }
        if !rejected {
            data.writeBytes(unstuffed)
            data.writeBytes([UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        }
        return nil
    }

    /// A CR anywhere but right before the LF is a bare CR: refused under both policies, since
    /// normalizing it would let `\r.\r` end a message (SMTP smuggling).
    private func checkBareCR(in bytes: ByteBufferView.SubSequence) -> ServerDataEvent? {
        bytes.contains(UInt8(ascii: "\r")) ? .bareNewline(isCR: true) : nil
    }

    /// Adds a line's octets (with CRLF, once per line) to the message size.
    private mutating func count(_ bytes: ByteBufferView.SubSequence, atLineStart: Bool) {
        size += bytes.count + (atLineStart ? 2 : 0)
        if size > maxMessageSize {
            tooBig = true
            discardData()
        }
    }

    private mutating func trackHeader(_ line: ByteBufferView.SubSequence) {
        guard inHeaders else { return }
        if line.isEmpty { inHeaders = false; return }
        let name = Array("received:".utf8)
        guard line.count >= name.count else { return }
        if zip(line.prefix(name.count), name).allSatisfy({ $0 | 0x20 == $1 || ($0 == $1) }) {
            receivedHeaders += 1
        }
    }

    private mutating func discardData() {
        if data.readableBytes > 0 || data.capacity > 0 { data = ByteBuffer() }
    }

    private func verdict() -> ServerDataRejection? {
        if tooBig { return .tooBig }
        if lineTooLong { return .lineTooLong }
        if receivedHeaders > maxReceivedHeaders { return .tooManyHops }
        return nil
    }
}
