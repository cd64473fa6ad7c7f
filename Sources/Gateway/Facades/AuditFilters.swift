// AuditFilters: the text of `sealgate audit query|summary` filters, checked and turned into an
// AuditQuery. Every unknown value is an InvalidInput naming the option and the values it accepts.

import Audit
import Foundation
import MailCore

public struct AuditFilters: Sendable, Equatable {
    public var since: String?
    public var until: String?
    public var sender: String?
    public var recipient: String?
    public var domain: String?
    public var queueID: String?
    public var messageID: String?
    public var method: String?
    public var outcome: String?
    public var rule: String?
    public var tlsBelow: String?
    public var unencrypted = false
    public var node: String?

    public init() {}

    /// The methods `--method` accepts: the ladder's, and `none` (otherwise deferred or bounced).
    public static let methods = DeliveryMethod.allCases.map(\.rawValue) + ["none"]
    public static let outcomes = ["delivered", "deferred", "bounced", "held", "quarantined", "rejected"]

    public func query() throws -> AuditQuery {
        var q = AuditQuery()
        q.since = try since.map { try Self.date($0, option: "--since", endOfDay: false) }
        q.until = try until.map { try Self.date($0, option: "--until", endOfDay: true) }
        if let s = q.since, let u = q.until, s > u {
            throw InvalidInput("--since \(since ?? "") is after --until \(until ?? "")")
        }
        if let sender { q.sender = sender == "<>" || sender.isEmpty ? .null : .address(try Self.address(sender, option: "--sender")) }
        q.recipient = try recipient.map { try Self.address($0, option: "--recipient") }
        if let domain {
            let d = domain.trimmingCharacters(in: CharacterSet(charactersIn: ".")).lowercased()
            guard !d.isEmpty, !d.contains("@"), !d.contains(where: \.isWhitespace) else {
                throw InvalidInput("bad --domain \(domain): give a domain name such as partner.example")
            }
            q.domain = d
        }
        q.queueID = try queueID.map(QueueFacade.parseID)
        if let messageID {
            guard !messageID.trimmingCharacters(in: .whitespaces).isEmpty else { throw InvalidInput("empty --message-id") }
            q.messageID = messageID
        }
        if let method {
            guard Self.methods.contains(method.lowercased()) else { throw Self.unknown("--method", method, Self.methods) }
            q.method = method.lowercased()
        }
        if let outcome {
            guard let o = Outcome(rawValue: outcome.lowercased()) else { throw Self.unknown("--outcome", outcome, Self.outcomes) }
            q.outcome = o
        }
        q.rule = rule
        if let tlsBelow {
            guard let floor = TLSVersionFloor(tlsBelow) else { throw Self.unknown("--tls-below", tlsBelow, ["1.0", "1.1", "1.2", "1.3"]) }
            q.tlsBelow = floor
        }
        q.unencrypted = unencrypted
        q.node = node
        return q
    }

    static func unknown(_ option: String, _ value: String, _ known: [String]) -> InvalidInput {
        InvalidInput("unknown \(option) \(value): use one of \(known.joined(separator: ", "))")
    }

    static func address(_ text: String, option: String) throws -> MailAddress {
        let bare = text.hasPrefix("<") && text.hasSuffix(">") ? String(text.dropFirst().dropLast()) : text
        do { return try MailAddressParser.parse(bare, allowUTF8: true) } catch {
            throw InvalidInput("bad \(option) \(text): not an address")
        }
    }

    /// RFC 3339 (`2026-11-23T10:00:00Z`, an offset, fractions of a second), or `YYYY-MM-DD` (UTC): the
    /// day's start, or for `--until` the next day's start, so `--until 2026-11-23` includes that day.
    static func date(_ text: String, option: String, endOfDay: Bool) throws -> Date {
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        if text.count == 10, let d = day.date(from: text), day.string(from: d) == text {
            return endOfDay ? d.addingTimeInterval(86_400) : d
        }
        let rfc3339 = ISO8601DateFormatter()
        rfc3339.formatOptions = [.withInternetDateTime]
        if let d = rfc3339.date(from: text) { return d }
        rfc3339.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = rfc3339.date(from: text) { return d }
        throw InvalidInput("bad \(option) \(text): use RFC 3339 (2026-11-23T10:00:00Z) or YYYY-MM-DD")
    }
}
