// QueueEntrySummary: one line of `sealgate queue list`: who sent what to how many, how the
// recipients stand, and when the next attempt is due. Metadata only, no message content.

import Foundation
import MailCore

public struct QueueEntrySummary: Sendable, Codable, Equatable {
    public var id: QueueID
    public var arrival: Date
    /// Bytes of the message as queued.
    public var size: Int
    /// nil for the null sender `<>`.
    public var sender: MailAddress?
    public var recipientCount: Int
    public var pending: Int
    public var deferred: Int
    public var delivered: Int
    public var bounced: Int
    public var held: Int
    /// The earliest next attempt among recipients that still wait (pending or deferred), if any.
    public var nextAttempt: Date?

    public init(envelope: Envelope, states: [RecipientState]) {
        id = envelope.queueID; arrival = envelope.arrival; size = envelope.size; sender = envelope.sender
        recipientCount = envelope.recipients.count
        func count(_ s: RecipientState.Status) -> Int { states.filter { $0.status == s }.count }
        pending = count(.pending); deferred = count(.deferred); delivered = count(.delivered)
        bounced = count(.bounced); held = count(.held)
        nextAttempt = states.filter { $0.status == .pending || $0.status == .deferred }.compactMap(\.nextAttempt).min()
    }

    /// Recipients that still need delivery or a decision (pending, deferred or held).
    public var unfinished: Int { pending + deferred + held }
}
