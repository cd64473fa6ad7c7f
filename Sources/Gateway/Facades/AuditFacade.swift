// AuditFacade: the audit store as `sealgate audit query|verify` and the offline queue commands use
// it: one message's records as Received-style lines or JSON, the chain check, an admin record.

import Audit
import MailCore

public struct AuditFacade {
    let config: GatewayConfig

    public init(config: GatewayConfig) { self.config = config }

    /// The lines to print for `queueID`: one per record, or a single JSON array.
    public func records(queueID text: String, json: Bool) throws -> [String] {
        let id = try QueueFacade.parseID(text)
        let records = try open().records(queueID: id)
        if json { return [QueueReport.json(records.map(AuditRendering.jsonObject))] }
        return records.map { AuditRendering.receivedStyleLine($0, localHostname: config.hostname) }
    }

    /// Recomputes the hash chain over every record.
    public func verify() throws -> ChainCheck {
        let result = try open().verifyChain()
        return ChainCheck(text: "\(result)", intact: result.isIntact)
    }

    /// Appends an admin record directly (the daemon is not running, so this process is the one writer).
    func recordAdmin(actor: String, action: String, queueID: QueueID, detail: String? = nil) throws {
        _ = try open().append(.adminAction(AdminEvent(actor: actor, action: action, queueID: queueID, detail: detail)))
    }

    func open() throws -> SQLiteAuditStore {
        switch config.auditStore {
        case .sqlite(let path): return try SQLiteAuditStore(path: path, node: config.hostname, clock: SystemClock())
        }
    }
}

/// The outcome of `sealgate audit verify`: the verifier's own words and whether the chain holds.
public struct ChainCheck: Equatable {
    public let text: String
    public let intact: Bool
}
