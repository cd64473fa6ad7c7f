// ControlCommands: what the daemon does for each control-socket request. Every command that
// changes the queue or reveals a body is written to the audit log as an admin_action; portal_*
// requests go to PortalControlCommands.

import Audit
import Delivery
import Foundation
import Logging
import MailCore
import NIOPosix
import Portal
import Queue

final class ControlCommands: @unchecked Sendable {
    private let manager: QueueManager
    private let reloader: Reloader
    private let audit: AuditRecorder
    private let pool: NIOThreadPool
    private let logger: Logger
    private let portal: PortalControlCommands
    private let tlsReports: TLSReportSender?

    /// `portal`: the daemon's PortalAdmin, nil when the config has no portal: section; `tlsReports` nil
    /// without tls_reporting:.
    init(manager: QueueManager, reloader: Reloader, audit: AuditRecorder, pool: NIOThreadPool, logger: Logger,
         portal: PortalAdmin? = nil, tlsReports: TLSReportSender? = nil) {
        self.manager = manager; self.reloader = reloader; self.audit = audit; self.pool = pool; self.logger = logger
        self.portal = PortalControlCommands(admin: portal, logger: logger)
        self.tlsReports = tlsReports
    }

    func execute(_ request: ControlRequest) async -> ControlResponse {
        if PortalControlCommands.handles(request.command) { return await portal.execute(request) }
        let id = request.queueID.flatMap(QueueID.init)
        if request.queueID != nil && id == nil { return ControlResponse(ok: false, message: "malformed queue ID") }
        do {
            if request.command == "ping" { return ControlResponse(ok: true, message: "pong") }
            if request.command == "tls_report_send" { return try await sendTLSReports(request) }
            if request.command == AdminAction.reload.rawValue {
                // The reloader records the reload (applied or refused, with the files' hashes).
                let (ok, message) = try await pool.runIfActive { [reloader] in reloader.reload(actor: request.actor) }
                return ControlResponse(ok: ok, message: message)
            }
            guard let action = AdminAction(rawValue: request.command) else {
                return ControlResponse(ok: false, message: "unknown command \(request.command)")
            }
            if action.isRecordOnly { return try await recordOnly(action, request) }
            let message: String = try await pool.runIfActive { [self] in try self.run(action, id) }
            let event = AuditEvent.adminAction(AdminEvent(actor: request.actor, action: action, queueID: id))
            do {
                try await pool.runIfActive { [audit] in try audit.record(event) }
            } catch {
                logger.error("audit append failed for admin \(action.rawValue): \(error)")
            }
            logger.info("admin \(request.actor): \(action.rawValue) \(id?.description ?? "")")
            return ControlResponse(ok: true, message: message)
        } catch {
            return ControlResponse(ok: false, message: "\(error)")
        }
    }

    /// `sealgate audit tls-report --day D --send`: the day's reports mailed now, one line per domain.
    private func sendTLSReports(_ request: ControlRequest) async throws -> ControlResponse {
        guard let tlsReports else {
            return ControlResponse(ok: false, message: "TLS reports are not mailed: the config has no tls_reporting: section")
        }
        guard let text = request.argument, let day = TLSReportSender.day(text) else {
            return ControlResponse(ok: false, message: "tls_report_send needs a day, YYYY-MM-DD")
        }
        let lines = try await tlsReports.send(day: day)
        logger.info("admin \(request.actor): tls-report send \(text)")
        return ControlResponse(ok: true, message: lines.joined(separator: "\n"))
    }

    /// A change a CLI process made (a key, a user) that the daemon records, so that the record goes
    /// through the daemon's outbox in order. Fails when it could not be kept: the CLI says so.
    private func recordOnly(_ action: AdminAction, _ request: ControlRequest) async throws -> ControlResponse {
        let event = AuditEvent.adminAction(AdminEvent(actor: request.actor, action: action, detail: request.detail,
                                                         hold: request.hold))
        try await pool.runIfActive { [audit] in try audit.record(event) }
        logger.info("admin \(request.actor): \(action.rawValue) \(request.detail ?? "")")
        return ControlResponse(ok: true, message: "recorded")
    }

    private func run(_ action: AdminAction, _ id: QueueID?) throws -> String {
        func need() throws -> QueueID {
            guard let id else { throw ControlClientError.protocolError("\(action.rawValue) needs a queue ID") }
            return id
        }
        switch action {
        case .hold:
            let id = try need()
            return "\(id): held \(try manager.hold(id)) recipient(s)"
        case .release:
            let id = try need()
            let n = try manager.release(id)
            return "\(id): released \(n) recipient(s)"
        case .delete:
            let id = try need()
            try manager.delete(id)
            return "\(id): deleted"
        case .flush:
            manager.flush()
            return "queue flush started"
        case .showBody:
            _ = try need()
            return "recorded"
        case .configLoaded, .reload, .keyImport, .keyRemove, .userAdd, .userRemove, .tokenAdd, .tokenRemove, .holdAdd, .holdRemove,
             .prune:
            throw ControlClientError.protocolError("\(action.rawValue) is not a queue command")
        }
    }
}
