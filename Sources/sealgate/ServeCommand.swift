// `sealgate serve`: runs the daemon in the foreground until SIGTERM or SIGINT (graceful stop).

import ArgumentParser
import Foundation
import Gateway

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway daemon in the foreground.")
    @OptionGroup var options: ConfigOption

    func run() async throws {
        let config = try options.load()
        guard PolicyCheck.report(config) else { throw ExitCode(1) }
        try await GatewayDaemon.serve(config: config, environment: ProcessInfo.processInfo.environment)
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config",
                                                    abstract: "Validate the configuration; print each error as file:line:col: message.")
    @OptionGroup var options: ConfigOption

    func run() throws {
        let config = try options.load()
        guard PolicyCheck.report(config) else { throw ExitCode(1) }
        print("config OK (\(config.sourcePath ?? "built-in defaults"))")
    }
}

/// Loads the policy directory and prints every diagnostic (`file:line:col: error|warning: …`) to
/// stderr; false when there is an error (the policy would not be applied).
enum PolicyCheck {
    static func report(_ config: GatewayConfig) -> Bool {
        let result = PolicyFacade.load(directory: config.policiesPath)
        for d in result.diagnostics { FileHandle.standardError.write(Data("\(d)\n".utf8)) }
        return result.policy != nil
    }
}
