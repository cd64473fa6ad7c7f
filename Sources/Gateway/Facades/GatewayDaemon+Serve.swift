// GatewayDaemon.serve: what `sealgate serve` runs: logging set up from the configuration, then the
// daemon as one ServiceLifecycle service until SIGTERM or SIGINT (a graceful stop).

import Delivery
import Logging
import ServiceLifecycle

extension GatewayDaemon {
    /// `environment`: `SEALGATE_TEST_PORTAL_RECORD=FILE` (tests only) hands the portal rung to a
    /// sink that records each hand-off in FILE; there is no portal otherwise yet.
    public static func serve(config: GatewayConfig, environment: [String: String]) async throws {
        LogSetup.bootstrap(json: config.logFormat == .json, level: Logger.Level(rawValue: config.logLevel) ?? .info)
        let logger = Logger(label: "sealgate")
        let portal = environment["SEALGATE_TEST_PORTAL_RECORD"].map { path -> any PortalSink in
            logger.warning("portal: test double recording hand-offs in \(path) (SEALGATE_TEST_PORTAL_RECORD)")
            return RecordingPortalSink(path: path)
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: GatewayDaemon(config: config, logger: logger, portal: portal))],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
