// RecipientGrouping: splits a message's due recipients into delivery groups: same destination
// domain and same TLS floor (policy Decision level and version, REQUIRETLS); one transaction per group and MX.

import Foundation
import MailCore
import MIME

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
    struct Key: Hashable {
        var domain: String
        var level: TLSLevel?
        var version: TLSProtocolVersion?
        var waived: Bool
    }

    static func groups(envelope: Envelope, due: [Int], message: [UInt8]) -> [DeliveryGroup] {
        let tlsRequiredNo = TLSRequiredHeader.saysNo(message)
        var order: [Key] = []
        var byKey: [Key: DeliveryGroup] = [:]
        for index in due where index < envelope.recipients.count {
            let spec = envelope.recipients[index]
            let decision = envelope.decisions.flatMap { index < $0.count ? $0[index] : nil }
            let level = decision?.tlsLevel
            let version = decision?.minimumTLSVersion
            // RFC 8689 §5: `TLS-Required: No` asks us to ignore TLS policy. For PHI, policy says no:
            // it is honoured only when the recipient has no policy Decision that requires TLS.
            let waived = tlsRequiredNo && !envelope.requireTLS && !decisionRequiresTLS(level: level, version: version)
            let key = Key(domain: domainKey(spec.address.domain), level: level, version: version, waived: waived)
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = DeliveryGroup(domain: spec.address.domain, recipients: [], floorLevel: level,
                                           floorVersion: version, requireTLS: envelope.requireTLS, tlsPolicyWaived: waived)
            }
            byKey[key]?.recipients.append((index, spec))
        }
        return order.compactMap { byKey[$0] }
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
}

/// RFC 8689 §5: the `TLS-Required: No` header field of the message.
enum TLSRequiredHeader {
    static func saysNo(_ message: [UInt8]) -> Bool {
        let headers = MessageHeaders(parsing: message)
        return headers.values("TLS-Required").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "no" }
    }
}
