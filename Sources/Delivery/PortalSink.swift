// PortalSink: where the ladder's `portal` rung hands a message for one recipient. Declared here;
// Gateway implements it (StorePortalSink over the Portal target); without a portal the rung is skipped.

import MailCore

/// Takes one recipient's copy of a message for secure pickup (the recipient reads it on the portal).
///
/// - The sink owns the copy once `hand` returns: the queue then marks the recipient delivered by
///   `portal`, and the audit record names the method. It must store durably before returning.
/// - It returns the receipt for the recipient's state, log and audit record (e.g. "stored on the
///   portal as P…"): no content, no link secret.
/// - `recipientIndex` indexes `envelope.recipients` (and the spool's state array).
/// - `message` is the message as accepted (after policy's header modifiers), unencrypted: the sink
///   must protect it at rest itself.
/// - Throwing defers the recipient (the error's description is the reason, so it must carry no
///   PHI); the ladder does not move past the portal on a sink error.
/// - Called off the event loops, possibly concurrently for different recipients.
public protocol PortalSink: Sendable {
    func hand(envelope: Envelope, recipientIndex: Int, message: [UInt8]) async throws -> String
}
