// ServerHelloSniffer: reads TLS records as they pass, in cleartext, and picks out the
// ServerHello's chosen version and cipher suite (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3).

import NIOCore

/// What the ServerHello said was chosen.
public struct ObservedTLS: Sendable, Equatable {
    public let version: String
    public let cipher: String
    public let bits: Int
    public let algorithmBits: Int
}

/// Accumulates one direction's bytes until the first ServerHello is complete. Stops looking at the
/// first record that is not a handshake record (after that everything is encrypted anyway).
public struct ServerHelloSniffer {
    enum State { case looking, found(ObservedTLS), gaveUp }
    private var state: State = .looking
    private var records = ByteBuffer()
    private var handshake = ByteBuffer()
    /// Cap on what is buffered while looking: a ServerHello fits easily.
    private let limit = 32 * 1024

    public init() {}

    public var result: ObservedTLS? {
        if case .found(let o) = state { return o }
        return nil
    }

    public var isDone: Bool {
        if case .looking = state { return false }
        return true
    }

    /// Feeds bytes seen on the wire; returns the observation once the ServerHello is complete.
    @discardableResult
    public mutating func feed(_ bytes: ByteBuffer) -> ObservedTLS? {
        guard case .looking = state else { return result }
        var copy = bytes
        records.writeBuffer(&copy)
        while true {
            guard let type: UInt8 = records.getInteger(at: records.readerIndex),
                  let length: UInt16 = records.getInteger(at: records.readerIndex + 3) else { break }
            guard records.readableBytes >= 5 + Int(length) else { break }
            records.moveReaderIndex(forwardBy: 5)
            var fragment = records.readSlice(length: Int(length)) ?? ByteBuffer()
            guard type == 22 else { state = .gaveUp; return nil }   // not handshake: ClientHello side or encrypted
            handshake.writeBuffer(&fragment)
            if let found = takeServerHello() { state = .found(found); return found }
            if case .gaveUp = state { return nil }
        }
        if records.readableBytes + handshake.readableBytes > limit { state = .gaveUp }
        records.discardReadBytes()
        return nil
    }

    /// Consumes complete handshake messages; returns the ServerHello's facts when one is complete.
    private mutating func takeServerHello() -> ObservedTLS? {
        while handshake.readableBytes >= 4 {
            let start = handshake.readerIndex
            guard let msgType: UInt8 = handshake.getInteger(at: start),
                  let lenBytes = handshake.getBytes(at: start + 1, length: 3) else { return nil }
            let len = Int(lenBytes[0]) << 16 | Int(lenBytes[1]) << 8 | Int(lenBytes[2])
            guard handshake.readableBytes >= 4 + len else { return nil }
            handshake.moveReaderIndex(forwardBy: 4)
            guard var body = handshake.readSlice(length: len) else { return nil }
            if msgType == 2 {
                guard let parsed = ServerHelloSniffer.parseServerHello(&body) else { state = .gaveUp; return nil }
                // A TLS 1.3 HelloRetryRequest is a ServerHello too; its suite is the final one.
                return parsed
            }
            if msgType == 1 { state = .gaveUp; return nil }   // a ClientHello: wrong direction
        }
        return nil
    }

    static let helloRetryRandom: [UInt8] = [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ]

    static func parseServerHello(_ body: inout ByteBuffer) -> ObservedTLS? {
        guard let legacyVersion: UInt16 = body.readInteger(),
              body.readBytes(length: 32) != nil,
              let sessionIDLength: UInt8 = body.readInteger(),
              body.readBytes(length: Int(sessionIDLength)) != nil,
              let suite: UInt16 = body.readInteger(),
              let _: UInt8 = body.readInteger() else { return nil }
        var version = legacyVersion
        if let extLength: UInt16 = body.readInteger(), var exts = body.readSlice(length: Int(extLength)) {
            while let extType: UInt16 = exts.readInteger(), let len: UInt16 = exts.readInteger(),
                  var data = exts.readSlice(length: Int(len)) {
                if extType == 0x002B, let v: UInt16 = data.readInteger() { version = v }   // supported_versions
            }
        }
        let info = CipherSuiteTable.lookup(suite)
        return ObservedTLS(version: CipherSuiteTable.versionName(version), cipher: info.name,
                           bits: info.bits, algorithmBits: info.bits)
    }
}
