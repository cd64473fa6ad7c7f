// AuditJSONRendering: one audit record as a JSON object for `sealgate audit query --json`.
// Common keys are always present (null when they do not apply); event-specific keys follow.

import Foundation
import MailCore

extension AuditRendering {
    public static func jsonObject(_ record: AuditRecord) -> [String: Any] {
        let e = record.event
        var o: [String: Any] = [
            "sequence": record.sequence,
            "time": AuditTime.iso8601(record.time),
            "node": record.node,
            "event": e.name,
            "queue_id": orNull(e.queueID?.value),
            "recipient": orNull(e.recipient?.description),
            "outcome": orNull(e.outcome?.rawValue),
            "hash": record.hash,
            "previous_hash": record.previousHash,
        ]
        let attempt = e.attempt
        o["tls"] = tlsObject(attempt?.tls ?? acceptedClientTLS(e))
        o["reply"] = orNull(attempt?.reply)
        o["status"] = orNull(attempt?.status?.description)
        o["relay_host"] = orNull(attempt?.relayHost)
        o["relay_ip"] = orNull(attempt?.relayIP)
        o["relay_port"] = orNull(attempt?.relayPort)
        switch e {
        case .deliveryAttempt(let a), .delivered(let a), .deferred(let a), .bounced(let a):
            o["attempt"] = a.attempt
            o["reason"] = orNull(a.reason)
            o["delay"] = orNull(a.delay)
            o["method"] = a.method.map(methodObject) ?? NSNull()
        case .accepted(let a):
            o["sender"] = a.sender?.description ?? ""
            o["recipients"] = a.recipients.map(\.description)
            o["size"] = a.size
            o["client"] = clientObject(a.client)
            o["findings"] = a.findings.map { $0.map(findingObject) } ?? NSNull()
            o["policy"] = a.policy.map { $0.map(policyObject) } ?? NSNull()
            o["message_id"] = orNull(a.messageID)
        case .adminAction(let a):
            o["actor"] = a.actor
            o["action"] = a.action
            o["detail"] = orNull(a.detail)
            o["files"] = a.files.map { $0.map { ["path": $0.path, "sha256": $0.sha256] } } ?? NSNull()
            o["hold"] = a.hold.map(holdObject) ?? NSNull()
        case .portal(let p):
            o["portal_message_id"] = orNull(p.portalMessageID)
            o["client_address"] = orNull(p.client)
            o["actor"] = orNull(p.actor)
            o["detail"] = orNull(p.detail)
        case .chainHeads(let c):
            o["heads"] = c.heads.map { ["node": $0.node, "sequence": $0.sequence, "hash": $0.hash] as [String: Any] }
        case .checkpoint(let c):
            o["first_sequence"] = c.firstSequence; o["last_sequence"] = c.lastSequence; o["count"] = c.count
            o["first_previous_hash"] = c.firstPreviousHash; o["last_hash"] = c.lastHash; o["pruned"] = c.pruned
            o["previous_checkpoint"] = orNull(c.previousCheckpoint)
            o["holds"] = (c.holds ?? []).map(holdObject)
            o["signing_key"] = c.signerFingerprint; o["signature"] = orNull(c.signature)
        }
        return o
    }

    /// A legal hold: id, scope, value, reason.
    public static func holdObject(_ h: LegalHold) -> [String: Any] {
        ["id": h.id, "scope": h.scope.rawValue, "value": h.value, "reason": orNull(h.reason)]
    }

    /// A finding as recorded: type, masked sample, part, confidence (never the value itself).
    public static func findingObject(_ f: Finding) -> [String: Any] {
        ["type": f.type.rawValue, "sample": f.sample, "part": f.part, "confidence": f.confidence]
    }

    public static func policyObject(_ p: PolicyVerdictSummary) -> [String: Any] {
        ["rule": p.rule, "action": p.action, "tls": orNull(p.tls), "min_tls": orNull(p.minimumTLS),
         "methods": p.methods, "otherwise": p.otherwise, "finding_counts": p.findingCounts]
    }

    /// The method ladder's choice: method, otherwise, the skipped rungs (code and reason), the encryption.
    public static func methodObject(_ m: MethodRecord) -> [String: Any] {
        ["method": m.method, "otherwise": orNull(m.otherwise),
         "skipped": m.skipped.map { ["method": $0.method, "code": $0.code, "reason": $0.reason] },
         "encryption": m.encryption.map { e in
             ["method": e.method.rawValue, "key_id": e.keyID, "cipher": e.cipher, "signed_by": orNull(e.signedBy)] as [String: Any]
         } ?? NSNull()]
    }

    /// The TLS object, or NSNull for a plaintext session.
    public static func tlsObject(_ tls: TLSFacts?) -> Any {
        guard let tls else { return NSNull() }
        var trust: Any = NSNull(), verifyError: Any = NSNull()
        switch tls.verification {
        case .verified(let t): trust = t.rawValue
        case .failed(let reason): verifyError = reason
        case .none: break
        }
        return [
            "version": tls.version, "cipher": tls.cipher, "bits": tls.bits, "algorithm_bits": tls.algorithmBits,
            "verify": tls.verification.word, "trust": trust, "verify_error": verifyError,
            "peer_subject": orNull(tls.peerSubject), "peer_issuer": orNull(tls.peerIssuer),
        ] as [String: Any]
    }

    private static func acceptedClientTLS(_ e: AuditEvent) -> TLSFacts? {
        if case .accepted(let a) = e { return a.client.tls }
        return nil
    }

    private static func clientObject(_ c: ClientInfo) -> [String: Any] {
        [
            "address": c.address, "port": c.port, "hostname": orNull(c.hostname), "helo": c.helo,
            "protocol": c.protocolName, "authenticated_user": orNull(c.authenticatedUser), "listener": c.listener,
            "tls": tlsObject(c.tls),
        ]
    }

    private static func orNull<T>(_ value: T?) -> Any { value.map { $0 as Any } ?? NSNull() }
}
