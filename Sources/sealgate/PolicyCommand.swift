// `sealgate policy explain` and `sealgate policy check`: the decision trace for one message file
// per recipient (findings as types and counts, rules tested, the match, requirement and methods).

import ArgumentParser
import Foundation
import MailCore
import PHIScanner
import Policy

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: "Check the policy files and explain decisions.",
                                                    subcommands: [Explain.self, Check.self])

    /// Loads the policy folder, printing every diagnostic to stderr; exits 1 when any is an error.
    static func loadPolicy(_ directory: String) throws -> PolicySet {
        let loaded = PolicyLoader.load(directory: directory)
        for d in loaded.diagnostics { FileHandle.standardError.write(Data("\(d)\n".utf8)) }
        guard let policy = loaded.policy else { throw ExitCode(1) }
        return policy
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show, for each recipient, which rules were tested, which matched and why, and the resulting requirement.")
        @OptionGroup var options: ConfigOption
        @Option(name: .customLong("from"), help: "The envelope sender (MAIL FROM); \"<>\" is the null sender.")
        var from: String
        @Option(name: .customLong("to"), help: "An envelope recipient (RCPT TO); repeat for several.")
        var to: [String]
        @Option(help: "Treat the client as authenticated (SMTP AUTH) as this user.")
        var auth: String?
        @Option(name: .customLong("client-ip"), help: "The client's IP address.")
        var clientIP: String?
        @Flag(help: "Treat the message as received over TLS.")
        var tls = false
        @Flag(help: "Print the traces as JSON.")
        var json = false
        @Option(help: "The policy folder (default: `policies` from the configuration).")
        var policies: String?
        @Argument(help: "The message (RFC 5322, as it would arrive in DATA).")
        var file: String

        func validate() throws {
            guard !to.isEmpty else { throw ValidationError("give at least one --to") }
            if let clientIP, IPAddress(clientIP) == nil { throw ValidationError("--client-ip: '\(clientIP)' is not an IP address") }
        }

        func run() throws {
            let sender = try address(from, option: "--from", allowNull: true)
            let recipients = try to.map { try address($0, option: "--to", allowNull: false) }.compactMap { $0 }
            let policy = try PolicyCommand.loadPolicy(try policies ?? options.load().policiesPath)
            let bytes = try MessageInput.read(file)
            let scanner = try MessageInput.scanner(options)
            let scan = scanner.scan(message: bytes)
            let facts = MessageFacts(sender: sender, recipients: recipients, authenticatedUser: auth,
                                     clientAddress: clientIP.flatMap(IPAddress.init), receivedOverTLS: tls, headers: scan.headers,
                                     size: bytes.count, attachments: scan.attachments, findings: scan.findings,
                                     uninspected: scan.uninspected)
            let verdicts = PolicyEvaluator(policy: policy).evaluate(facts)
            print(json ? PolicyTraceRenderer.json(verdicts) : PolicyTraceRenderer.text(verdicts), terminator: json ? "\n" : "")
        }

        private func address(_ text: String, option: String, allowNull: Bool) throws -> MailAddress? {
            let bare = text.hasPrefix("<") && text.hasSuffix(">") ? String(text.dropFirst().dropLast()) : text
            if bare.isEmpty && allowNull { return nil }
            do { return try MailAddressParser.parse(bare, allowUTF8: true) } catch {
                throw ValidationError("\(option): '\(text)' is not an address (\(error))")
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the policy files and print every problem as file:line:col.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The policy folder (default: `policies` from the configuration).")
        var directory: String?

        func run() throws {
            let policy = try PolicyCommand.loadPolicy(try directory ?? options.load().policiesPath)
            print("policy OK: \(policy.rules.count) rule(s) in \(policy.files.count) file(s)")
        }
    }
}
