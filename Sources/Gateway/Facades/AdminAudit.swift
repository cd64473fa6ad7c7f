// AdminAudit: how a CLI process records a change it made itself (a key imported or removed, a user
// added or removed): through the daemon's control socket when it runs, else offline through the outbox.

import Audit
import Foundation

/// What became of the admin record: kept (a note when it waits in the outbox), or not kept.
public enum AdminAuditOutcome: Equatable {
    case recorded(note: String?)
    case notRecorded(String)
}

public struct AdminAudit {
    let config: GatewayConfig
    let actor: String

    public init(config: GatewayConfig, actor: String) { self.config = config; self.actor = actor }

    /// `key_import`: address, kind and fingerprint of each key filed.
    public func keysImported(_ rows: [RecipientKeyRow]) -> AdminAuditOutcome { record(.keyImport, detail: Self.keys(rows)) }

    /// `key_remove`: address, kind and fingerprint of each key removed.
    public func keysRemoved(_ rows: [RecipientKeyRow]) -> AdminAuditOutcome { record(.keyRemove, detail: Self.keys(rows)) }

    /// `user_add`: the name and the sender addresses (never the password).
    public func userAdded(_ name: String, addresses: SenderAddresses) -> AdminAuditOutcome {
        record(.userAdd, detail: "user=\(name) addresses=" + addresses.list.map(\.description).joined(separator: ","))
    }

    /// `user_remove`: the name.
    public func userRemoved(_ name: String) -> AdminAuditOutcome { record(.userRemove, detail: "user=\(name)") }

    /// `token_add`: the admin API token's name and role (never the token or its hash).
    public func tokenAdded(_ name: String, role: String) -> AdminAuditOutcome { record(.tokenAdd, detail: "token=\(name) role=\(role)") }

    /// `token_remove`: the name.
    public func tokenRemoved(_ name: String) -> AdminAuditOutcome { record(.tokenRemove, detail: "token=\(name)") }
    /// `hold_add` / `hold_remove`: the hold itself, and what it covers in `detail`.
    public func hold(_ action: AdminAction, _ hold: LegalHold) -> AdminAuditOutcome {
        record(action, detail: "\(hold.id) \(hold.scope.rawValue)=\(hold.value)" + (hold.reason.map { " reason=\($0)" } ?? ""),
               hold: hold)
    }

    /// `prune`: what the prune removed and where its checkpoint is.
    public func pruned(_ detail: String) -> AdminAuditOutcome { record(.prune, detail: detail) }

    static func keys(_ rows: [RecipientKeyRow]) -> String {
        rows.map { "\($0.address) \($0.kind) \($0.fingerprint)" }.joined(separator: "; ")
    }

    /// The daemon, when it runs, owns the chain's writer and the outbox: it records the event in its
    /// turn. With no daemon this process is the only writer and records it as the offline queue
    /// commands do (behind any record that waits in the outbox).
    func record(_ action: AdminAction, detail: String, hold: LegalHold? = nil) -> AdminAuditOutcome {
        do {
            let response = try ControlClient.send(ControlRequest(command: action.rawValue, actor: actor, detail: detail, hold: hold),
                                                  socketPath: config.controlSocketPath)
            return response.ok ? .recorded(note: nil) : .notRecorded("the daemon did not record it: \(response.message)")
        } catch ControlClientError.daemonNotRunning {
            do {
                let offline = try AuditFacade(config: config).recordAdmin(actor: actor, action: action.rawValue, queueID: nil,
                                                                          detail: detail, hold: hold)
                return .recorded(note: offline.note)
            } catch {
                return .notRecorded("\(error)")
            }
        } catch {
            return .notRecorded("\(error)")
        }
    }
}
