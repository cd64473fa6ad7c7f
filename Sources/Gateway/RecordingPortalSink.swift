// RecordingPortalSink: the portal rung's test double until the portal exists (issue 11): it records
// each hand-off (queue id, recipient, digest and size of the copy, never its content) as a JSON line.

import Crypto
import Delivery
import Foundation
import MailCore
import SafeIO

/// Enabled only by `SEALGATE_TEST_PORTAL_RECORD=FILE` in `sealgate serve`'s environment, for the
/// end-to-end tests; it stores nothing a recipient could pick up. Each line is appended durably
/// (0600) before `hand` returns, as the PortalSink contract asks.
struct RecordingPortalSink: PortalSink {
    let path: String

    func hand(envelope: Envelope, recipientIndex: Int, message: [UInt8]) async throws {
        let digest = SHA256.hash(data: message).map { String(format: "%02x", $0) }.joined()
        let line: [String: Any] = ["queue_id": envelope.queueID.description,
                                   "recipient": envelope.recipients[recipientIndex].address.description,
                                   "sha256": digest, "size": message.count]
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]))
        bytes.append(0x0A)
        try SafeIO.append(path, bytes, mode: 0o600)
    }
}
