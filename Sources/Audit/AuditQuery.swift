// AuditQuery: the store-independent filter behind `sealgate audit query|summary|message`. Each
// store translates it (SQLite and PostgreSQL to SQL); `matches` is the reference meaning, in memory and for tests.

import Foundation
import MailCore

/// Filters over audit records; nil (or false) means "any". Every given filter must hold.
public struct AuditQuery: Sendable, Equatable {
    public var queueID: QueueID?
    /// Records about this recipient (its attempts and portal steps) and the `accepted` records listing it.
    public var recipient: MailAddress?
    /// A stable event name, e.g. "delivered".
    public var event: String?
    /// Several event names: the record's is one of them (nil: any).
    public var events: [String]?
    /// From this time on (inclusive).
    public var since: Date?
    /// Before this time (exclusive).
    public var until: Date?
    public var afterSequence: Int64?
    public var limit: Int?
    /// The records of every message this sender sent (its `accepted` record gives the queue IDs).
    public var sender: SenderFilter?
    /// Like `recipient`, for every recipient at this domain (compared without case).
    public var domain: String?
    /// The records of every message with this Message-ID header (`<…>`; the brackets are optional).
    public var messageID: String?
    /// Delivery records whose method ladder chose this method (`tls`, `smime`, `pgp`, `portal`, `none`).
    public var method: String?
    public var outcome: Outcome?
    /// `accepted` records with a recipient this policy rule decided, and the records about such a recipient.
    public var rule: String?
    /// Hops below this TLS version, plaintext included: delivery records that reached a relay, and the
    /// inbound session of `accepted` records.
    public var tlsBelow: TLSVersionFloor?
    /// `delivered` records that left by a hop without TLS and without S/MIME or PGP (the portal excluded).
    public var unencrypted: Bool
    /// Records written by this node.
    public var node: String?

    public init(queueID: QueueID? = nil, recipient: MailAddress? = nil, event: String? = nil, since: Date? = nil,
                until: Date? = nil, afterSequence: Int64? = nil, limit: Int? = nil) {
        self.queueID = queueID; self.recipient = recipient; self.event = event; self.since = since; self.until = until
        self.afterSequence = afterSequence; self.limit = limit; self.unencrypted = false
    }

    /// True when the filters need the message's `accepted` record (sender, Message-ID, rule).
    var needsAcceptedRecords: Bool { sender != nil || messageID != nil || rule != nil }
}

/// `--sender`: an address, or the null reverse path `<>` of bounces and notices.
public enum SenderFilter: Sendable, Equatable {
    case address(MailAddress)
    case null
}

/// A TLS version to compare hops against, by protocol order (TLSv1 < TLSv1.1 < TLSv1.2 < TLSv1.3).
public struct TLSVersionFloor: Sendable, Equatable {
    /// The version names Sealgate records, lowest first; anything else (SSL, an unknown code) ranks below them.
    public static let names = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    public let rank: Int

    /// Accepts `1.2`, `TLSv1.2`, `TLS1.2` (and `1.0` for TLSv1); nil for anything else.
    public init?(_ text: String) {
        var t = text.uppercased()
        for prefix in ["TLSV", "TLS"] where t.hasPrefix(prefix) { t = String(t.dropFirst(prefix.count)); break }
        switch t {
        case "1", "1.0": rank = 1
        case "1.1": rank = 2
        case "1.2": rank = 3
        case "1.3": rank = 4
        default: return nil
        }
    }

    /// The rank of a recorded version name: 1...4, or 0 for one not in `names`.
    public static func rank(of version: String) -> Int { (names.firstIndex(of: version) ?? -1) + 1 }

    public func isAbove(_ tls: TLSFacts?) -> Bool {
        guard let tls else { return true }
        return TLSVersionFloor.rank(of: tls.version) < rank
    }
}

extension MailAddress {
    /// The address as compared by audit filters: its text, lower-cased (domain and local part alike).
    var auditKey: String { description.lowercased() }
    /// The domain as compared by `--domain`: the text after the last `@`, lower-cased.
    var auditDomainKey: String { auditKey.split(separator: "@").last.map(String.init) ?? "" }
}

extension AuditQuery {
    /// Normalises a Message-ID for comparison: surrounding space trimmed, angle brackets added.
    public static func normalisedMessageID(_ text: String) -> String {
        let t = text.trimmingCharacters(in: .whitespaces)
        return t.hasPrefix("<") && t.hasSuffix(">") ? t : "<\(t)>"
    }
}

/// A store that answers `AuditQuery` (SQLite and PostgreSQL in SQL, memory by `AuditQuery.select`).
public protocol AuditQuerying: Sendable {
    /// The records matching every filter of `query`, in chain order (PostgreSQL, with a chain per
    /// node: time order, then node, then sequence).
    func records(matching query: AuditQuery) throws -> [AuditRecord]
}
