// `sealgate admin token add|list|remove`: the admin API's bearer tokens. `add` prints the token
// once (the file keeps only its SHA-256); each add and remove is an audited admin event.

import ArgumentParser
import Foundation
import Gateway

struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "admin", abstract: "Manage the admin API.",
                                                    subcommands: [Token.self])

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Manage the admin API's bearer tokens.",
                                                        subcommands: [Add.self, List.self, Remove.self])
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token and print it (once).")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The token's name (letters, digits, '.', '_', '-').") var name: String
        @Option(help: "read (queries, queue status, /metrics) or admin (also the routes that change things).") var role: String

        func run() throws {
            let config = try options.load()
            guard let parsed = AdminRole(rawValue: role) else { throw ValidationError("--role: use read or admin") }
            let token: String
            do { token = try AdminTokenStore(path: config.adminTokensPath).add(name: name, role: parsed, now: Date()) } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            print(token)
            FileHandle.standardError.write(Data("token \(name) (\(parsed.rawValue)) saved in \(config.adminTokensPath); it is not shown again\n".utf8))
            try recordAdminChange(config) { $0.tokenAdded(name, role: parsed.rawValue) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (names, roles, dates; never a secret).")
        @OptionGroup var options: ConfigOption
        @Flag(help: "One JSON array.") var json = false

        func run() throws {
            let config = try options.load()
            let tokens = try AdminTokenStore(path: config.adminTokensPath).list()
            let formatter = ISO8601DateFormatter()
            if json {
                let objects = tokens.map { ["name": $0.name, "role": $0.role.rawValue, "created": formatter.string(from: $0.created)] }
                let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for t in tokens { print("\(t.name)\t\(t.role.rawValue)\t\(formatter.string(from: t.created))") }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a token (it stops working at once).")
        @OptionGroup var options: ConfigOption
        @Argument var name: String

        func run() throws {
            let config = try options.load()
            guard try AdminTokenStore(path: config.adminTokensPath).remove(name: name) else {
                printError("no token \(name)")
                throw ExitCode(1)
            }
            print("token \(name) removed")
            try recordAdminChange(config) { $0.tokenRemoved(name) }
        }
    }
}
