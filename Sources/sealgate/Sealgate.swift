// The sealgate command line: serve, check-config, user, queue, portal, audit, policy, scan, probe, dkim, keys and admin subcommands.
// Each subcommand is a thin shell over the Gateway target.

import ArgumentParser
import Foundation
import Gateway

@main
struct Sealgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sealgate",
        abstract: "A secure SMTP relay for protected health information.",
        subcommands: [Serve.self, CheckConfig.self, Reload.self, UserCommand.self, QueueCommand.self, PortalCommand.self, AuditCommand.self,
                      PolicyCommand.self, Scan.self, Probe.self, DKIMCommand.self,
                      KeysCommand.self, AdminCommand.self])
}

/// `--config FILE`, shared by every subcommand.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The configuration file (default: ./sealgate.yaml if present, else built-in defaults).")
    var config: String?

    /// Loads the configuration or prints every diagnostic as file:line:col and exits 1.
    func load() throws -> GatewayConfig {
        switch ConfigLoader.load(explicitPath: config, currentDirectory: FileManager.default.currentDirectoryPath, now: Date()) {
        case .success(let c):
            return c
        case .failure(let errors):
            for d in errors.diagnostics { FileHandle.standardError.write(Data("\(d)\n".utf8)) }
            throw ExitCode(1)
        }
    }
}

/// Runs a facade call, turning its `InvalidInput` into a usage error with the same text.
func validated<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as InvalidInput { throw ValidationError(error.description) }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("sealgate: \(message)\n".utf8))
}
