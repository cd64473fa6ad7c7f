// QueueFacade's hold, release, delete and flush: sent to the daemon's control socket, which audits
// them; with the daemon down, hold/release/delete act on the spool here and audit it here.

import Foundation
import MailCore
import Queue

/// What an admin command came to: a line for stdout, or a refusal for stderr (exit 1), or an
/// offline change that was made but could not be audited (the line, then the error; exit 1).
public enum QueueAdminOutcome: Equatable {
    case done(String)
    case refused(String)
    case doneButNotAudited(String, auditError: String)
}

extension QueueFacade {
    /// `command` is hold, release, delete or flush; `id` is required for all but flush.
    public func admin(_ command: String, id text: String?) throws -> QueueAdminOutcome {
        let id = try text.map(Self.parseID)
        let request = ControlRequest(command: command, queueID: id?.description, actor: actor)
        do {
            let response = try ControlClient.send(request, socketPath: config.controlSocketPath)
            return response.ok ? .done(response.message) : .refused(response.message)
        } catch ControlClientError.daemonNotRunning(let path) {
            guard let id, command != "flush" else { return .refused("the daemon is not running (\(path)); nothing to flush") }
            return try offline(command, id)
        }
    }

    /// The spool change comes first; if the audit append then fails, the change still stands and
    /// the outcome says both.
    private func offline(_ command: String, _ id: QueueID) throws -> QueueAdminOutcome {
        let spool = try openSpool()
        // What the daemon does at start: cut torn journal tails before anything is appended.
        _ = try spool.recover()
        let line: String
        switch command {
        case "hold": line = "\(id): held \(try spool.hold(id)) recipient(s) (offline)"
        case "release": line = "\(id): released \(try spool.release(id, now: SystemClock().now())) recipient(s) (offline)"
        default: try spool.remove(id); line = "\(id): deleted (offline)"
        }
        let audit: OfflineAudit
        do {
            audit = try AuditFacade(config: config).recordAdmin(actor: actor, action: command, queueID: id, detail: "offline")
        } catch {
            return .doneButNotAudited(line, auditError: "the change was made but not audited: \(error)")
        }
        return .done(audit.note.map { line + "\n" + $0 } ?? line)
    }
}
