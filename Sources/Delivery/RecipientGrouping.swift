// RecipientGrouping: the one function that splits a message's due recipients into transactions:
// by TLS floor (policy level and version, REQUIRETLS, `TLS-Required: No`) and, for MX, by domain.

import Foundation
import MailCore
import MIME

/// What policy and the message ask of TLS for one recipient.
struct TLSFloor: Hashable, Sendable {
    /// Policy's floor (nil: the destination's configured level alone).
    var level: TLSLevel?
    var version: TLSProtocolVersion?
    /// RFC 8689 applies (REQUIRETLS, not waived by `TLS-Required: No`).
    var requireTLS = false
    /// `TLS-Required: No` honoured: configured levels, DANE, MTA-STS and the ratchet are ignored.
    var waived = false

    /// Nothing asks for more than opportunistic TLS.
    var isEmpty: Bool { level == nil && version == nil && !requireTLS }
}

/// The recipients of one transaction (per hop) and the floor they share.
struct RecipientBatch: Sendable {
    var floor: TLSFloor
    var recipients: [(index: Int, spec: RecipientSpec)]
}

struct DeliveryGroup: Sendable {
    /// The recipient domain (lower-cased A-label form, or the address literal).
    var domain: MailDomain
    var recipients: [(index: Int, spec: RecipientSpec)]
    /// Policy's floor for these recipients (nil: the destination's configured level alone).
    var floorLevel: TLSLevel?
    var floorVersion: TLSProtocolVersion?
    /// RFC 8689 applies to this group (REQUIRETLS, not waived by `TLS-Required: No`).
    var requireTLS: Bool
    /// `TLS-Required: No` honoured: the configured level, DANE and MTA-STS are ignored for this group.
    var tlsPolicyWaived: Bool

    var domainName: String {
        if case .name(let d) = domain { return d.ascii }
        return domain.description
    }
}

enum RecipientGrouping {
    /// Due recipients in batches of one floor (and one domain when `byDomain`), in first-seen
    /// order. The smarthost path (`byDomain: false`) and the MX path both group through here.
    /// `transport` is `.destinationLevel` for an encrypted copy: policy's TLS level and version do
    /// not apply (the content is protected), REQUIRETLS still does, and `TLS-Required: No` is
    /// honoured only as it would be for the plain copy.
    static func batches(envelope: Envelope, due: [Int], message: [UInt8], byDomain: Bool,
                        transport: MethodChoice.TransportFloor) -> [RecipientBatch] {
        let tlsRequiredNo = TLSRequiredHeader.saysNo(message)
        var order: [Key] = []
        var byKey: [Key: RecipientBatch] = [:]
        for index in due where index < envelope.recipients.count {
            let spec = envelope.recipients[index]
            var floor = tlsFloor(envelope: envelope, index: index, tlsRequiredNo: tlsRequiredNo)
            if transport == .destinationLevel { floor.level = nil; floor.version = nil }
            let key = Key(domain: byDomain ? domainKey(spec.address.domain) : nil, floor: floor)
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = RecipientBatch(floor: floor, recipients: [])
            }
            byKey[key]?.recipients.append((index, spec))
        }
        return order.compactMap { byKey[$0] }
    }

    /// The MX path: one group per destination domain and floor.
    static func groups(envelope: Envelope, due: [Int], message: [UInt8], transport: MethodChoice.TransportFloor) -> [DeliveryGroup] {
        batches(envelope: envelope, due: due, message: message, byDomain: true, transport: transport).compactMap { batch in
            guard let first = batch.recipients.first else { return nil }
            return DeliveryGroup(domain: first.spec.address.domain, recipients: batch.recipients,
                                 floorLevel: batch.floor.level, floorVersion: batch.floor.version,
                                 requireTLS: batch.floor.requireTLS, tlsPolicyWaived: batch.floor.waived)
        }
    }

    /// RFC 8689 §5: `TLS-Required: No` asks us to ignore TLS policy. For PHI, policy says no: it is
    /// honoured only when neither REQUIRETLS nor the recipient's policy Decision requires TLS.
    static func tlsFloor(envelope: Envelope, index: Int, tlsRequiredNo: Bool) -> TLSFloor {
        let decision = envelope.decisions.flatMap { index < $0.count ? $0[index] : nil }
        return tlsFloor(decision: decision, requireTLS: envelope.requireTLS, tlsRequiredNo: tlsRequiredNo)
    }

    /// One recipient's floor from its policy `decision` (nil: none recorded), as delivery applies it.
    static func tlsFloor(decision: Decision?, requireTLS: Bool, tlsRequiredNo: Bool) -> TLSFloor {
        let level = decision?.tlsLevel, version = decision?.minimumTLSVersion
        let waived = tlsRequiredNo && !requireTLS && !decisionRequiresTLS(level: level, version: version)
        return TLSFloor(level: level, version: version, requireTLS: requireTLS, waived: waived)
    }

    static func decisionRequiresTLS(level: TLSLevel?, version: TLSProtocolVersion?) -> Bool {
        if version != nil { return true }
        guard let level else { return false }
        return level != .none && level != .may
    }

    static func domainKey(_ domain: MailDomain) -> String {
        if case .name(let d) = domain { return d.ascii.lowercased() }
        return domain.description.lowercased()
    }

    private struct Key: Hashable {
        var domain: String?
        var floor: TLSFloor
    }
}

/// RFC 8689 §5: the `TLS-Required: No` header field of the message.
enum TLSRequiredHeader {
    static func saysNo(_ message: [UInt8]) -> Bool {
        let headers = MessageHeaders(parsing: message)
        return headers.values("TLS-Required").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "no" }
    }
}
