// `sealgate audit hold add|list|remove` (legal holds: records they cover are never pruned) and
// `sealgate audit prune [--dry-run]` (expired, unheld records replaced by a signed checkpoint).

import ArgumentParser
import Foundation
import Gateway

struct AuditHoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold", abstract: "Legal holds: records they cover are never pruned.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hold every record of a message, sender, recipient or domain (give exactly one).")
        @OptionGroup var options: ConfigOption
        @Option(help: "A queue ID or a Message-ID.") var message: String?
        @Option(help: "An envelope sender (<> for the null sender).") var sender: String?
        @Option(help: "A recipient address.") var recipient: String?
        @Option(help: "A recipient domain.") var domain: String?
        @Option(help: "Why (a case or matter number; never PHI).") var reason: String?

        func run() throws {
            let given: [(String, String)] = [("message", message), ("sender", sender), ("recipient", recipient),
                                             ("domain", domain)].compactMap { scope, value in value.map { (scope, $0) } }
            let facade = AuditFacade(config: try options.load())
            let text = try retentionRun {
                guard given.count == 1, let (scope, value) = given.first else {
                    throw InvalidInput("give exactly one of --message, --sender, --recipient, --domain")
                }
                return try facade.addHold(scope: scope, value: value, reason: reason, actor: QueueCommand.actor)
            }
            print(text)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The legal holds in force.")
        @OptionGroup var options: ConfigOption
        @Flag(help: "One JSON object per hold.") var json = false

        func run() throws {
            writeOut(try retentionRun { try AuditFacade(config: try options.load()).listHolds(json: json) })
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a legal hold.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The hold's ID (hold-…).") var id: String

        func run() throws {
            let facade = AuditFacade(config: try options.load())
            print(try retentionRun { try facade.removeHold(id: id, actor: QueueCommand.actor) })
        }
    }
}

struct AuditPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Remove records past audit.retention that no hold covers.",
        discussion: "Removes the chain's expired prefix, up to the first record that must stay, and puts a checkpoint "
            + "signed with audit.signing_key in its place. On PostgreSQL it prunes this node's chain, as a role that may "
            + "DELETE (--as, the table's owner).")
    @OptionGroup var options: ConfigOption
    @Flag(help: "Print what would be removed; change nothing.") var dryRun = false
    @Option(name: .customLong("as"), help: "PostgreSQL: a postgresql:// URL of the table's owner (default: audit.store).")
    var ownerURL: String?
    @Option(name: .customLong("password-file"), help: "PostgreSQL: the owner role's password file (0600).")
    var passwordFile: String?

    func run() throws {
        let facade = AuditFacade(config: try options.load())
        writeOut(try retentionRun {
            try facade.prune(dryRun: dryRun, ownerURL: ownerURL, ownerPasswordFile: passwordFile, actor: QueueCommand.actor)
        })
    }
}

/// Like `auditRun`; a change that stands but could not be audited (or a hold that could not be
/// recorded) is said on standard error and exits 1.
func retentionRun<T>(_ body: () throws -> T) throws -> T {
    do { return try auditRun(body) } catch let error as PruneNotAudited {
        printError(error.description)
        throw ExitCode(1)
    }
}
