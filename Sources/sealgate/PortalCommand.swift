// `sealgate portal …`: the portal's messages as metadata (never content), revocation, lockout
// lifting and the expiry purge, all through the running daemon's control socket, which audits changes.

import ArgumentParser
import Foundation
import Gateway

struct PortalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal", abstract: "Inspect and manage the secure-message portal (metadata only; needs the running daemon).",
        subcommands: [List.self, Show.self, Revoke.self, Unlock.self, PurgeExpired.self])

    /// Prints what the command came to, or its refusal on stderr with exit status 1.
    static func run(_ options: ConfigOption, _ body: (PortalFacade) -> PortalAdminOutcome) throws {
        switch body(PortalFacade(config: try options.load(), actor: QueueCommand.actor)) {
        case .done(let text): print(text)
        case .refused(let message): printError(message); throw ExitCode(1)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List portal messages: id, state, sender, recipient, dates, views (and the lockouts in force).")
        @OptionGroup var options: ConfigOption
        @Flag(help: "A JSON array of the messages.") var json = false
        func run() throws { try PortalCommand.run(options) { $0.list(json: json) } }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one portal message's metadata and the lockouts touching it.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The portal message id.") var id: String
        @Flag(help: "A JSON object.") var json = false
        func run() throws { try PortalCommand.run(options) { $0.show(id: id, json: json) } }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a portal message now: its keys and content are destroyed.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The portal message id.") var id: String
        func run() throws { try PortalCommand.run(options) { $0.revoke(id: id) } }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift the rate-limit lockouts on a portal message id, a recipient address or a client IP.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "A portal message id, a recipient address or a client IP address.") var target: String
        func run() throws { try PortalCommand.run(options) { $0.unlock(target: target) } }
    }

    struct PurgeExpired: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge-expired", abstract: "Destroy every expired portal message now (the daemon also does this every portal.sweep_interval).")
        @OptionGroup var options: ConfigOption
        @Flag(help: "A JSON array of the destroyed messages.") var json = false
        func run() throws { try PortalCommand.run(options) { $0.purgeExpired(json: json) } }
    }
}
