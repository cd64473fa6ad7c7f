// LegalHold: a hold that keeps every record of a message, sender, recipient or domain from being
// pruned, whatever its retention. Holds live in the chain itself (admin_action hold_add/hold_remove,
// and the holds in force copied into each checkpoint), so they are chained, signed and visible.

import Foundation

public struct LegalHold: Sendable, Codable, Equatable {
    /// What a hold names: `--message`, `--sender`, `--recipient` or `--domain`.
    public enum Scope: String, Sendable, Codable, CaseIterable { case message, sender, recipient, domain }

    /// `hold-` and 8 hex digits, made when the hold is added.
    public var id: String
    public var scope: Scope
    /// The queue ID or Message-ID, the address (`<>` for the null sender) or the domain, as given.
    public var value: String
    public var reason: String?

    public init(id: String, scope: Scope, value: String, reason: String? = nil) {
        self.id = id; self.scope = scope; self.value = value; self.reason = reason
    }

    /// A fresh hold ID.
    public static func newID() -> String {
        let n = UInt32.random(in: .min ... .max)
        let hex = String(n, radix: 16)
        return "hold-" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}

/// The holds in force, read from the records: the newest checkpoint's list (the state when it was
/// made, over every chain), then the `hold_add` and `hold_remove` records from its time on, in order.
public enum LegalHolds {
    public static func inForce(checkpoints: [AuditRecord], admin: [AuditRecord]) -> [LegalHold] {
        let newest = checkpoints.filter { if case .checkpoint = $0.event { return true } else { return false } }
            .max { $0.time < $1.time }
        var holds: [LegalHold] = []
        if let newest, case .checkpoint(let cp) = newest.event { holds = cp.holds ?? [] }
        for record in admin.sorted(by: { $0.time < $1.time }) {
            guard case .adminAction(let e) = record.event, let hold = e.hold else { continue }
            if let newest, record.time < newest.time { continue }
            switch e.action {
            case AdminAction.holdAdd.rawValue:
                if !holds.contains(where: { $0.id == hold.id }) { holds.append(hold) }
            case AdminAction.holdRemove.rawValue:
                holds.removeAll { $0.id == hold.id }
            default: break
            }
        }
        return holds
    }
}
