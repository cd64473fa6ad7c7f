// AuditQuery's meaning, evaluated over records in memory (MemoryAuditStore, and the reference the
// SQLite translation is tested against). Message-level filters look up the message's accepted record.

import Foundation
import MailCore

extension AuditQuery {
    /// The records of `all` (in sequence order) this query selects, `limit` applied last.
    public func select(from all: [AuditRecord]) -> [AuditRecord] {
        var accepted: [QueueID: AcceptedEvent] = [:]
        if needsAcceptedRecords {
            for r in all { if case .accepted(let a) = r.event, accepted[a.queueID] == nil { accepted[a.queueID] = a } }
        }
        let chosen = all.filter { matches($0, accepted: { accepted[$0] }) }
        guard let limit else { return chosen }
        return Array(chosen.prefix(max(0, limit)))
    }

    /// Whether one record passes every filter; `accepted` finds a message's accepted record.
    public func matches(_ record: AuditRecord, accepted: (QueueID) -> AcceptedEvent?) -> Bool {
        let e = record.event
        if let queueID, e.queueID != queueID { return false }
        if let event, e.name != event { return false }
        if let events, !events.contains(e.name) { return false }
        if let since, record.time < since { return false }
        if let until, record.time >= until { return false }
        if let afterSequence, record.sequence <= afterSequence { return false }
        if let node, record.node != node { return false }
        if let outcome, e.outcome != outcome { return false }
        if let recipient, !Self.concerns(e, { $0.auditKey == recipient.auditKey }) { return false }
        if let domain, !Self.concerns(e, { $0.auditDomainKey == domain.lowercased() }) { return false }
        if let method, e.attempt?.method?.method != method { return false }
        if let tlsBelow, !Self.hopBelow(e, tlsBelow) { return false }
        if unencrypted && !Self.leftUnencrypted(e) { return false }
        if needsAcceptedRecords {
            guard let q = e.queueID, let a = accepted(q) else { return false }
            if let sender, !Self.sent(a, by: sender) { return false }
            if let messageID, a.messageID != Self.normalisedMessageID(messageID) { return false }
            if let rule, !Self.decided(e, in: a, byRule: rule) { return false }
        }
        return true
    }

    /// The record is about a recipient that passes `test` (its own, or one the accepted record lists).
    static func concerns(_ e: AuditEvent, _ test: (MailAddress) -> Bool) -> Bool {
        if case .accepted(let a) = e { return a.recipients.contains(where: test) }
        return e.recipient.map(test) ?? false
    }

    static func sent(_ a: AcceptedEvent, by sender: SenderFilter) -> Bool {
        switch sender {
        case .null: return a.sender == nil
        case .address(let s): return a.sender?.auditKey == s.auditKey
        }
    }

    /// An accepted record with any recipient under `rule`, or a record about a recipient under it.
    static func decided(_ e: AuditEvent, in a: AcceptedEvent, byRule rule: String) -> Bool {
        guard let policy = a.policy else { return false }
        let ruled = zip(a.recipients, policy).filter { $0.1.rule == rule }.map(\.0.auditKey)
        if case .accepted = e { return !ruled.isEmpty }
        guard let r = e.recipient else { return false }
        return ruled.contains(r.auditKey)
    }

    /// A hop below the floor: a delivery record that reached a relay, or an accepted record's inbound session.
    static func hopBelow(_ e: AuditEvent, _ floor: TLSVersionFloor) -> Bool {
        if case .accepted(let a) = e { return floor.isAbove(a.client.tls) }
        guard let a = e.attempt, a.relayIP != nil else { return false }
        return floor.isAbove(a.tls)
    }

    /// Delivered with no TLS on the hop and no end-to-end encryption, and not into the portal.
    static func leftUnencrypted(_ e: AuditEvent) -> Bool {
        guard case .delivered(let a) = e else { return false }
        return a.tls == nil && a.method?.encryption == nil && a.method?.method != "portal"
    }
}
