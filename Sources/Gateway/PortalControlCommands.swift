// PortalControlCommands: what the daemon does for the control socket's portal_* requests, through
// PortalAdmin (which audits every change with the admin's name). Answers carry metadata rows only.

import Foundation
import Logging
import Portal

struct PortalControlCommands: Sendable {
    static let notConfigured = "the portal is not configured (no portal: section in the config)"

    let admin: PortalAdmin?
    let logger: Logger

    static func handles(_ command: String) -> Bool { command.hasPrefix("portal_") }

    func execute(_ request: ControlRequest) async -> ControlResponse {
        guard let admin else { return ControlResponse(ok: false, message: Self.notConfigured) }
        let argument = request.argument?.trimmingCharacters(in: .whitespaces) ?? ""
        do {
            switch request.command {
            case "portal_list":
                let rows = try await admin.list().map(PortalMessageRow.init)
                return reply("\(rows.count) portal message(s)", rows, admin.lockouts())
            case "portal_show":
                let metadata = try await admin.show(try need(argument, request.command))
                return reply("portal message \(metadata.id)", [PortalMessageRow(metadata)], admin.lockouts(touching: metadata))
            case "portal_revoke":
                let id = try need(argument, request.command)
                let revoked = try await admin.revoke(id, actor: request.actor)
                logger.info("admin \(request.actor): portal_revoke \(id)")
                let note = revoked == nil ? " (its record was damaged; destroyed all the same)" : ""
                return reply("\(id): revoked; its keys and content are destroyed\(note)", revoked.map { [PortalMessageRow($0)] } ?? [], [])
            case "portal_unlock":
                let target = try need(argument, request.command)
                let lifted = try await admin.unlock(target: target, actor: request.actor)
                logger.info("admin \(request.actor): portal_unlock (\(lifted.count) lifted)")
                let message = lifted.isEmpty ? "no lockout on \(target)"
                    : "lifted \(lifted.count) lockout(s): " + lifted.map(\.key.description).joined(separator: ", ")
                return reply(message, [], lifted)
            case "portal_purge_expired":
                let purged = try await admin.purgeExpired(actor: request.actor)
                logger.info("admin \(request.actor): portal_purge_expired (\(purged.count) destroyed)")
                return reply("purged \(purged.count) expired portal message(s)", purged.map(PortalMessageRow.init), [])
            default:
                return ControlResponse(ok: false, message: "unknown command \(request.command)")
            }
        } catch let error as PortalStoreError {
            return ControlResponse(ok: false, message: Self.describe(error, argument))
        } catch {
            return ControlResponse(ok: false, message: "\(error)")
        }
    }

    private func need(_ argument: String, _ command: String) throws -> String {
        guard !argument.isEmpty else {
            throw InvalidInput("\(command) needs \(command == "portal_unlock" ? "a target" : "a portal message id")")
        }
        return argument
    }

    private func reply(_ message: String, _ rows: [PortalMessageRow], _ lockouts: [PortalLockout]) -> ControlResponse {
        ControlResponse(ok: true, message: message, portal: PortalAdminReply(messages: rows, lockouts: lockouts.map(PortalLockoutRow.init)))
    }

    /// An admin may learn that a message is gone rather than unknown (the web pages never say).
    static func describe(_ error: PortalStoreError, _ id: String) -> String {
        switch error {
        case .notFound: return "no portal message \(id)"
        case .gone(let gone):
            return "portal message \(id) is gone: \(gone.reason.rawValue) at \(ISO8601DateFormatter().string(from: gone.at)); its keys and content are destroyed"
        default: return error.description
        }
    }
}
