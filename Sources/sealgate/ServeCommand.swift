// `sealgate serve`: runs the daemon in the foreground until SIGTERM or SIGINT (graceful stop).

import ArgumentParser
import Gateway
import Logging
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway daemon in the foreground.")
    @OptionGroup var options: ConfigOption

    func run() async throws {
        let config = try options.load()
        LogSetup.bootstrap(json: config.logFormat == .json, level: Logger.Level(rawValue: config.logLevel) ?? .info)
        let logger = Logger(label: "sealgate")
        let daemon = GatewayDaemon(config: config, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: daemon)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config",
                                                    abstract: "Validate the configuration; print each error as file:line:col: message.")
    @OptionGroup var options: ConfigOption

    func run() throws {
        let config = try options.load()
        print("config OK (\(config.sourcePath ?? "built-in defaults"))")
    }
}
