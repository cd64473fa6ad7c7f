// AuditRetention: how long each kind of audit record is kept before `sealgate audit prune` may remove
// it (config `audit.retention`). By group (deliveries, portal, admin, chain_heads) or by event name,
// with a default; whatever no entry covers is kept forever, and so is everything without the section.

import Foundation

public struct AuditRetention: Sendable, Equatable {
    /// A retention period: whole calendar years (`6y`), a duration, or `forever`.
    public enum Period: Sendable, Equatable, CustomStringConvertible {
        case forever
        case years(Int)
        case seconds(TimeInterval)

        /// When a record written at `time` has been kept long enough (nil: never).
        public func end(after time: Date) -> Date? {
            switch self {
            case .forever: return nil
            case .seconds(let s): return time.addingTimeInterval(s)
            case .years(let n):
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
                return calendar.date(byAdding: .year, value: n, to: time)
            }
        }

        public var description: String {
            switch self {
            case .forever: return "forever"
            case .years(let n): return "\(n)y"
            case .seconds(let s): return "\(Int(s))s"
            }
        }
    }

    /// The groups an entry may name, each with the events it covers (docs/audit.md, "Retention").
    public static let groups: [(name: String, events: [String])] = [
        ("deliveries", ["accepted", "delivery_attempt", "delivered", "deferred", "bounced"]),
        ("portal", PortalEvent.Kind.allCases.map(\.eventName)),
        ("admin", ["admin_action"]),
        ("chain_heads", ["chain_heads"]),
    ]

    /// Group or event name to period; an event's own entry wins over its group's.
    public var periods: [String: Period]
    /// For every event no entry covers (`default`); forever when not given.
    public var defaultPeriod: Period

    public init(periods: [String: Period] = [:], defaultPeriod: Period = .forever) {
        self.periods = periods; self.defaultPeriod = defaultPeriod
    }

    /// The names an entry may use: `default`, the groups, and every event name but the checkpoint's.
    public static var entryNames: [String] {
        ["default"] + groups.map(\.name) + AuditEvent.allNames.filter { $0 != "audit_checkpoint" }
    }

    /// The period for records of event `name`.
    public func period(for name: String) -> Period {
        if let own = periods[name] { return own }
        if let group = Self.groups.first(where: { $0.events.contains(name) }), let period = periods[group.name] { return period }
        return defaultPeriod
    }
}
