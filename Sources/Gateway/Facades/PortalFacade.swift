// PortalFacade: `sealgate portal list|show|revoke|unlock|purge-expired` as requests to the running
// daemon's control socket (the portal store is the daemon's alone), rendered by PortalReport.

import Foundation

/// What a portal command came to: text for stdout, or a refusal for stderr (exit 1).
public enum PortalAdminOutcome: Equatable {
    case done(String)
    case refused(String)
}

public struct PortalFacade {
    let socketPath: String
    /// Who acts, for the audit records (a Unix user name or "uid:N").
    let actor: String

    public init(config: GatewayConfig, actor: String) { self.init(socketPath: config.controlSocketPath, actor: actor) }

    init(socketPath: String, actor: String) { self.socketPath = socketPath; self.actor = actor }

    public func list(json: Bool) -> PortalAdminOutcome {
        send("portal_list") { json ? PortalReport.json($0.messages) : PortalReport.table($0.messages, lockouts: $0.lockouts) }
    }

    public func show(id: String, json: Bool) -> PortalAdminOutcome {
        send("portal_show", id) { reply in
            guard let row = reply.messages.first else { return "" }
            return json ? PortalReport.json(row, lockouts: reply.lockouts) : PortalReport.detail(row, lockouts: reply.lockouts)
        }
    }

    public func revoke(id: String) -> PortalAdminOutcome { send("portal_revoke", id) }

    public func unlock(target: String) -> PortalAdminOutcome { send("portal_unlock", target) }

    /// The daemon's line, then (as text) one line per destroyed message id; with `json`, their rows.
    public func purgeExpired(json: Bool) -> PortalAdminOutcome {
        send("portal_purge_expired", nil, message: !json) { reply in
            json ? PortalReport.json(reply.messages) : reply.messages.map { "  \($0.id) <\($0.recipient ?? "")>" }.joined(separator: "\n")
        }
    }

    /// Sends one request; on success the output is the daemon's message (when `message`) followed by
    /// `render` of the reply's rows.
    private func send(_ command: String, _ argument: String? = nil, message: Bool = false,
                      render: ((PortalAdminReply) -> String)? = nil) -> PortalAdminOutcome {
        let request = ControlRequest(command: command, actor: actor, argument: argument)
        let response: ControlResponse
        do {
            response = try ControlClient.send(request, socketPath: socketPath)
        } catch ControlClientError.daemonNotRunning(let path) {
            return .refused("the daemon is not running (no control socket at \(path)); the portal commands need it")
        } catch {
            return .refused("\(error)")
        }
        guard response.ok else { return .refused(response.message) }
        guard let render else { return .done(response.message) }
        let rendered = render(response.portal ?? PortalAdminReply())
        let parts = (message ? [response.message] : []) + (rendered.isEmpty ? [] : [rendered])
        return .done(parts.joined(separator: "\n"))
    }
}
