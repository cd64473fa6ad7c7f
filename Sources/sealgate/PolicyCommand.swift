// `sealgate policy explain` and `sealgate policy check`: the decision trace for one message file per recipient
// (findings as types and counts, rules tested, the match, requirement, methods; `--probe`: the tls rung measured live).

import ArgumentParser
import Foundation
import Gateway

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: "Check the policy files and explain decisions.",
                                                    subcommands: [Explain.self, Check.self])

    /// Loads the policy folder, printing every diagnostic to stderr; exits 1 when any is an error.
    static func loadPolicy(_ directory: String) throws -> PolicyFacade {
        let loaded = PolicyFacade.load(directory: directory)
        for d in loaded.diagnostics { FileHandle.standardError.write(Data("\(d)\n".utf8)) }
        guard let policy = loaded.policy else { throw ExitCode(1) }
        return policy
    }

    struct Explain: AsyncParsableCommand {
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
        @Flag(help: "Measure each ladder's tls rung live: probe the recipient's MX hosts (STARTTLS only, never MAIL).")
        var probe = false
        @OptionGroup var probeOptions: ProbeOptions
        @Argument(help: "The message (RFC 5322, as it would arrive in DATA).")
        var file: String

        func validate() throws {
            guard !to.isEmpty else { throw ValidationError("give at least one --to") }
            if let clientIP, !PolicyFacade.isIPAddress(clientIP) { throw ValidationError("--client-ip: '\(clientIP)' is not an IP address") }
            if probeOptions.port != nil, !probe { throw ValidationError("--port needs --probe") }
        }

        func run() async throws {
            let envelope = try validated { try ExplainEnvelope(from: from, to: to) }
            let config = try options.load()
            let policy = try PolicyCommand.loadPolicy(policies ?? config.policiesPath)
            let bytes = try MessageInput.read(file)
            let scanner = try MessageInput.scanner(options)
            let out: String
            if probe {
                if config.smarthost != nil {
                    printError("note: delivery.smarthost is set, so delivery's hop is the smarthost; --probe measures the recipients' MX hosts")
                }
                out = try await policy.explain(message: bytes, envelope: envelope, authenticatedUser: auth, clientIP: clientIP,
                                               overTLS: tls, scanner: scanner, json: json, keysDirectory: config.keysDirectory,
                                               now: Date(), probing: config, port: probeOptions.port)
            } else {
                out = policy.explain(message: bytes, envelope: envelope, authenticatedUser: auth, clientIP: clientIP,
                                     overTLS: tls, scanner: scanner, json: json, keysDirectory: config.keysDirectory,
                                     portalConfigured: config.portal != nil)
            }
            print(out, terminator: "")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the policy files and print every problem as file:line:col.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The policy folder (default: `policies` from the configuration).")
        var directory: String?

        func run() throws {
            let policy = try PolicyCommand.loadPolicy(try directory ?? options.load().policiesPath)
            print("policy OK: \(policy.ruleCount) rule(s) in \(policy.fileCount) file(s)")
        }
    }
}
