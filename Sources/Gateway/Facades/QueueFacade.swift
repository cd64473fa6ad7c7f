// QueueFacade: the spool as `sealgate queue list|show` read it directly (they work with the daemon
// down), rendered by QueueReport. Audited body reads go through the daemon when it runs.

import Audit
import Foundation
import MailCore
import Queue

public struct QueueFacade {
    let config: GatewayConfig
    /// Who acts, for the audit records (a Unix user name or "uid:N").
    let actor: String

    public init(config: GatewayConfig, actor: String) {
        self.config = config
        self.actor = actor
    }

    /// The lines to print: one per queued message, or a single JSON array.
    public func list(json: Bool) throws -> [String] {
        let spool = try openSpool()
        var objects: [[String: Any]] = []
        var lines: [String] = []
        for id in try spool.queueIDs() {
            // A message can be delivered and removed between listing and reading: skip it.
            guard let env = try? spool.envelope(id), let states = try? spool.states(id) else { continue }
            if json { objects.append(QueueReport.entryObject(envelope: env, states: states)) }
            else { lines.append(QueueReport.listLine(envelope: env, states: states)) }
        }
        return json ? [QueueReport.json(objects)] : lines
    }

    /// One message's envelope, states and headers; with `body`, the body too, and that read is audited.
    public func show(id text: String, json: Bool, body: Bool) throws -> String {
        let id = try Self.parseID(text)
        let spool = try openSpool()
        let env = try spool.envelope(id)
        let states = try spool.states(id)
        let message = try spool.message(id)
        if body { try recordBodyAccess(id) }
        guard json else { return QueueReport.showText(envelope: env, states: states, message: message, includeBody: body) }
        var object = QueueReport.entryObject(envelope: env, states: states)
        object["headers"] = QueueReport.headerSection(message)
        if body { object["body"] = String(decoding: message, as: UTF8.self) }
        return QueueReport.json(object)
    }

    /// Through the daemon when it runs (one writer keeps the hash chain linear), else directly.
    private func recordBodyAccess(_ id: QueueID) throws {
        let request = ControlRequest(command: AdminAction.showBody.rawValue, queueID: id.description, actor: actor)
        do {
            let response = try ControlClient.send(request, socketPath: config.controlSocketPath)
            guard response.ok else { throw ControlClientError.protocolError(response.message) }
        } catch ControlClientError.daemonNotRunning {
            try AuditFacade(config: config).recordAdmin(actor: actor, action: AdminAction.showBody.rawValue, queueID: id)
        }
    }

    func openSpool() throws -> Spool {
        try Spool(directory: config.spoolPath, keyring: try SpoolKeyring.loadOrCreate(path: config.spoolKeyPath))
    }

    static func parseID(_ text: String) throws -> QueueID {
        guard let id = QueueID(text) else { throw InvalidInput("not a queue ID: \(text)") }
        return id
    }
}
