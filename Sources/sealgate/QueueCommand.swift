// `sealgate queue …`: list and show read the spool directly (so they work with the daemon down);
// hold, release, delete and flush go through the daemon's control socket, which audits them.

import ArgumentParser
import Foundation
import Gateway

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Inspect and manage the mail queue.",
        subcommands: [List.self, Show.self, Hold.self, Release.self, Delete.self, Flush.self])

    static var actor: String { ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "uid:\(getuid())" }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queued messages.")
        @OptionGroup var options: ConfigOption
        @Flag var json = false

        func run() throws {
            let queue = QueueFacade(config: try options.load(), actor: QueueCommand.actor)
            for line in try queue.list(json: json) { print(line) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a message's envelope, states and headers (--body adds the body; that access is audited).")
        @OptionGroup var options: ConfigOption
        @Argument var id: String
        @Flag var json = false
        @Flag(help: "Include the message body. Recorded in the audit log.") var body = false

        func run() throws {
            let queue = QueueFacade(config: try options.load(), actor: QueueCommand.actor)
            print(try validated { try queue.show(id: id, json: json, body: body) })
        }
    }

    /// hold/release/delete: via the daemon, or on the spool directly when it is not running.
    static func adminCommand(_ command: String, _ id: String?, _ options: ConfigOption) throws {
        let queue = QueueFacade(config: try options.load(), actor: actor)
        switch try validated({ try queue.admin(command, id: id) }) {
        case .done(let line): print(line)
        case .refused(let message): printError(message); throw ExitCode(1)
        case .doneButNotAudited(let line, let auditError): print(line); printError(auditError); throw ExitCode(1)
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
