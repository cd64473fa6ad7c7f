// GatewayDaemon.serve: what `sealgate serve` runs: logging set up from the configuration, then the
// daemon as one ServiceLifecycle service until SIGTERM or SIGINT (a graceful stop).

import Logging
import ServiceLifecycle

extension GatewayDaemon {
    public static func serve(config: GatewayConfig) async throws {
        LogSetup.bootstrap(json: config.logFormat == .json, level: Logger.Level(rawValue: config.logLevel) ?? .info)
        let logger = Logger(label: "sealgate")
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: GatewayDaemon(config: config, logger: logger))],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
