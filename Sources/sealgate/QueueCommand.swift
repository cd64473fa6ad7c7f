// `sealgate queue …`: list and show read the spool directly (so they work with the daemon down);
// hold, release, delete and flush go through the daemon's control socket, which audits them.

import ArgumentParser
import Audit
import Foundation
import Gateway
import MailCore
import Queue

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Inspect and manage the mail queue.",
        subcommands: [List.self, Show.self, Hold.self, Release.self, Delete.self, Flush.self])

    static func openSpool(_ config: GatewayConfig) throws -> Spool {
        try Spool(directory: config.spoolPath, keyring: try SpoolKeyring.loadOrCreate(path: config.spoolKeyPath))
    }

    static func parseID(_ text: String) throws -> QueueID {
        guard let id = QueueID(text) else { throw ValidationError("not a queue ID: \(text)") }
        return id
    }

    static var actor: String { ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "uid:\(getuid())" }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queued messages.")
        @OptionGroup var options: ConfigOption
        @Flag var json = false

        func run() throws {
            let spool = try QueueCommand.openSpool(try options.load())
            var objects: [[String: Any]] = []
            for id in try spool.queueIDs() {
                // A message can be delivered and removed between listing and reading: skip it.
                guard let env = try? spool.envelope(id), let states = try? spool.states(id) else { continue }
                if json { objects.append(QueueReport.entryObject(envelope: env, states: states)) }
                else { print(QueueReport.listLine(envelope: env, states: states)) }
            }
            if json { print(QueueReport.json(objects)) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a message's envelope, states and headers (--body adds the body; that access is audited).")
        @OptionGroup var options: ConfigOption
        @Argument var id: String
        @Flag var json = false
        @Flag(help: "Include the message body. Recorded in the audit log.") var body = false

        func run() throws {
            let config = try options.load()
            let queueID = try QueueCommand.parseID(id)
            let spool = try QueueCommand.openSpool(config)
            let env = try spool.envelope(queueID)
            let states = try spool.states(queueID)
            let message = try spool.message(queueID)
            if body { try recordBodyAccess(config, queueID) }
            if json {
                var object = QueueReport.entryObject(envelope: env, states: states)
                object["headers"] = QueueReport.headerSection(message)
                if body { object["body"] = String(decoding: message, as: UTF8.self) }
                print(QueueReport.json(object))
            } else {
                print(QueueReport.showText(envelope: env, states: states, message: message, includeBody: body))
            }
        }

        /// Through the daemon when it runs (one writer keeps the hash chain linear), else directly.
        private func recordBodyAccess(_ config: GatewayConfig, _ id: QueueID) throws {
            let request = ControlRequest(command: AdminAction.showBody.rawValue, queueID: id.description, actor: QueueCommand.actor)
            do {
                let response = try ControlClient.send(request, socketPath: config.controlSocketPath)
                guard response.ok else { throw ControlClientError.protocolError(response.message) }
            } catch ControlClientError.daemonNotRunning {
                guard case .sqlite(let path) = config.auditStore else { return }
                _ = try SQLiteAuditStore(path: path, node: config.hostname)
                    .append(.adminAction(AdminEvent(actor: QueueCommand.actor, action: AdminAction.showBody.rawValue, queueID: id)))
            }
        }
    }

    /// hold/release/delete: via the daemon, or on the spool directly when it is not running.
    static func adminCommand(_ command: String, _ idText: String?, _ options: ConfigOption) throws {
        let config = try options.load()
        let id = try idText.map(parseID)
        let request = ControlRequest(command: command, queueID: id?.description, actor: actor)
        do {
            let response = try ControlClient.send(request, socketPath: config.controlSocketPath)
            guard response.ok else { printError(response.message); throw ExitCode(1) }
            print(response.message)
        } catch ControlClientError.daemonNotRunning(let path) {
            guard let id, command != "flush" else { printError("the daemon is not running (\(path)); nothing to flush"); throw ExitCode(1) }
            let spool = try openSpool(config)
            // What the daemon does at start: cut torn journal tails before anything is appended.
            _ = try spool.recover()
            switch command {
            case "hold": print("\(id): held \(try spool.hold(id)) recipient(s) (offline)")
            case "release": print("\(id): released \(try spool.release(id)) recipient(s) (offline)")
            default: try spool.remove(id); print("\(id): deleted (offline)")
            }
            if case .sqlite(let auditPath) = config.auditStore {
                _ = try SQLiteAuditStore(path: auditPath, node: config.hostname)
                    .append(.adminAction(AdminEvent(actor: actor, action: command, queueID: id, detail: "offline")))
            }
        }
    }

    struct Hold: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hold a message: no delivery attempts until released.")
        @OptionGroup var options: ConfigOption
        @Argument var id: String
        func run() throws { try QueueCommand.adminCommand("hold", id, options) }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a held message; it is due at once.")
        @OptionGroup var options: ConfigOption
        @Argument var id: String
        func run() throws { try QueueCommand.adminCommand("release", id, options) }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a message from the queue without a bounce.")
        @OptionGroup var options: ConfigOption
        @Argument var id: String
        func run() throws { try QueueCommand.adminCommand("delete", id, options) }
    }

    struct Flush: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make every deferred message due now.")
        @OptionGroup var options: ConfigOption
        func run() throws { try QueueCommand.adminCommand("flush", nil, options) }
    }
}
