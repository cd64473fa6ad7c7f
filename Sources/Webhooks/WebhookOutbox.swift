// WebhookOutbox: one endpoint's durable queue under var/webhooks/<queue>/: one 0600 file per event,
// named by a sequence number (sending order), written through SafeIO before `enqueue` returns.

import Foundation
import SafeIO

/// One waiting event: the exact body to send and its delivery state.
public struct WebhookPending: Sendable, Codable, Equatable {
    public var sequence: UInt64
    public var eventID: String
    public var body: String
    public var created: Date
    public var failures: Int
    /// Not before this time (the backoff after the last failure).
    public var notBefore: Date

    enum CodingKeys: String, CodingKey {
        case sequence, eventID = "event_id", body, created, failures, notBefore = "not_before"
    }
}

public final class WebhookOutbox: @unchecked Sendable {
    public let directory: String
    private let lock = NSLock()
    private var sequences: [UInt64]
    private var next: UInt64

    /// Opens (making it 0700 when missing) the directory and finds the events a previous run left.
    public init(directory: String) throws {
        self.directory = directory
        try SafeIO.makeDirectory(directory, mode: 0o700, parents: true)
        let found = try SafeIO.list(directory).compactMap(Self.sequence(ofName:)).sorted()
        sequences = found
        next = (found.last ?? 0) + 1
    }

    public var count: Int { lock.withLock { sequences.count } }

    /// Keeps the event durably (file and directory entry synced) at the tail of the queue.
    public func enqueue(eventID: String, body: [UInt8], created: Date) throws {
        try lock.withLock {
            let pending = WebhookPending(sequence: next, eventID: eventID, body: String(decoding: body, as: UTF8.self),
                                         created: created, failures: 0, notBefore: created)
            try write(pending)
            sequences.append(next)
            next += 1
        }
    }

    /// The oldest waiting event (sent first: order per endpoint), nil when the queue is empty.
    public func head() throws -> WebhookPending? {
        try lock.withLock {
            while let first = sequences.first {
                if let bytes = try SafeIO.read(path(first)) {
                    return try Self.decoder.decode(WebhookPending.self, from: Data(bytes))
                }
                sequences.removeFirst()   // removed behind our back: skip it
            }
            return nil
        }
    }

    /// Records a failed attempt and when to try again.
    public func recordFailure(_ pending: WebhookPending, notBefore: Date) throws {
        var updated = pending
        updated.failures += 1
        updated.notBefore = notBefore
        try lock.withLock { try write(updated) }
    }

    /// Removes a delivered (or given-up) event.
    public func remove(_ pending: WebhookPending) throws {
        try lock.withLock {
            try SafeIO.remove(path(pending.sequence), syncDirectory: true)
            sequences.removeAll { $0 == pending.sequence }
        }
    }

    private func write(_ pending: WebhookPending) throws {
        try SafeIO.writeFile(path(pending.sequence), Array(try Self.encoder.encode(pending)), mode: 0o600)
    }

    private func path(_ sequence: UInt64) -> String {
        "\(directory)/\(String(format: "%016llu", sequence)).json"
    }

    static func sequence(ofName name: String) -> UInt64? {
        guard name.hasSuffix(".json"), name.count == 21 else { return nil }
        return UInt64(name.dropLast(5))
    }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .millisecondsSince1970
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .millisecondsSince1970
        return d
    }()
}
