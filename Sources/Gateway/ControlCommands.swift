// ControlCommands: what the daemon does for each control-socket request. Every command that
// changes the queue or reveals a body is written to the audit log as an admin_action.

import Audit
import Delivery
import Foundation
import Logging
import MailCore
import NIOPosix
import Queue

final class ControlCommands: @unchecked Sendable {
    private let admin: QueueAdmin
    private let manager: QueueManager
    private let audit: AuditStore
    private let pool: NIOThreadPool
    private let logger: Logger

    init(admin: QueueAdmin, manager: QueueManager, audit: AuditStore, pool: NIOThreadPool, logger: Logger) {
        self.admin = admin; self.manager = manager; self.audit = audit; self.pool = pool; self.logger = logger
    }

    func execute(_ request: ControlRequest) async -> ControlResponse {
        let id = request.queueID.flatMap(QueueID.init)
        if request.queueID != nil && id == nil { return ControlResponse(ok: false, message: "malformed queue ID") }
        do {
            let message: String = try await pool.runIfActive { [self] in try self.run(request.command, id) }
            if request.command != "ping" {
                let event = AuditEvent.adminAction(AdminEvent(actor: request.actor, action: request.command, queueID: id))
                _ = try? await pool.runIfActive { [audit] in try audit.append(event) }
                logger.info("admin \(request.actor): \(request.command) \(id?.description ?? "")")
            }
            return ControlResponse(ok: true, message: message)
        } catch {
            return ControlResponse(ok: false, message: "\(error)")
        }
    }

    private func run(_ command: String, _ id: QueueID?) throws -> String {
        func need() throws -> QueueID {
            guard let id else { throw ControlClientError.protocolError("\(command) needs a queue ID") }
            return id
        }
        switch command {
        case "ping":
            return "pong"
        case "hold":
            let id = try need()
            return "\(id): held \(try admin.hold(id)) recipient(s)"
        case "release":
            let id = try need()
            let n = try admin.release(id)
            manager.kick(id)
            return "\(id): released \(n) recipient(s)"
        case "delete":
            let id = try need()
            try admin.delete(id)
            return "\(id): deleted"
        case "flush":
            manager.flush()
            return "queue flush started"
        case "body-access":
            _ = try need()
            return "recorded"
        default:
            throw ControlClientError.protocolError("unknown command \(command)")
        }
    }
}
