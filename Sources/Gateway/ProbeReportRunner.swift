// ProbeReportRunner: builds what `sealgate probe` and `policy explain --probe` need from the
// configuration (resolver, TLS levels, CA file, MTA-STS, observations) and returns the report
// rendered as text or JSON. It owns a small event loop group and thread pool for the one probe
// and shuts both down after it.

import DNS
import Delivery
import Foundation
import Logging
import MailCore
import NIOCore
import NIOPosix
import TLSPolicy

public enum ProbeReportRunner {
    /// Probes `domain` as delivery would see it. `port` overrides `delivery.port`.
    public static func run(config: GatewayConfig, domain: String, json: Bool, port: Int? = nil) async throws -> String {
        let report = try await withProbe(config: config, port: port) { await $0.probe(domain: domain) }
        return json ? report.json : report.text
    }

    /// Runs `body` with the probe `sealgate probe` uses (also `policy explain --probe`), built from
    /// `config` on a group and pool of its own, which are shut down when `body` returns.
    static func withProbe<T>(config: GatewayConfig, port: Int?, _ body: (DestinationProbe) async -> T) async throws -> T {
        var logger = Logger(label: "sealgate.probe")
        logger.logLevel = .warning
        guard let server = config.effectiveDNSResolver() else {
            throw ProbeRunnerError("no DNS resolver: set dns.resolver or a nameserver in /etc/resolv.conf")
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let result: T
        do {
            result = try await probe(config: config, port: port, server: server, group: group, pool: pool, logger: logger,
                                     body)
        } catch {
            try? await pool.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
        try? await pool.shutdownGracefully()
        try? await group.shutdownGracefully()
        return result
    }

    private static func probe<T>(config: GatewayConfig, port: Int?, server: String, group: EventLoopGroup, pool: NIOThreadPool,
                                 logger: Logger, _ body: (DestinationProbe) async -> T) async throws -> T {
        let clock = SystemClock()
        let resolver = LDNSResolver(server: server, dnssec: DNSSECMode(rawValue: config.dnssecMode) ?? .trustAD,
                                    pool: pool, logger: logger)
        // With `shared_store`: the nodes' shared observations and MTA-STS cache.
        let shared = try config.sharedStore.map { try SharedState($0, group: group, logger: logger) }
        defer { shared?.close() }
        let fetcher = try MTASTSFetcher(extraCAFile: config.deliveryCAFile, group: group, logger: logger)
        let mtaSTS = shared.map { MTASTSClient(resolver: resolver, fetcher: fetcher, cache: $0.mtaSTSCache(logger: logger),
                                               logger: logger, clock: clock) }
            ?? MTASTSClient(resolver: resolver, fetcher: fetcher,
                            cacheDirectory: config.mtaSTSCachePath.isEmpty ? nil : config.mtaSTSCachePath,
                            pool: pool, logger: logger, clock: clock)
        let observations: (any TLSObservationStoring)? = shared.map { $0.observations(config, clock: clock) }
            ?? (try? Self.observations(config, clock: clock))
        let routing = DeliveryRouting(
            resolver: resolver,
            tlsLevels: DomainTLSLevels(default: config.tlsDefaultLevel, domains: config.tlsDomainLevels),
            mtaSTS: mtaSTS,
            observations: observations)
        let settings = DeliverySettings(smarthostHost: nil, hostname: config.hostname, extraCAFile: config.deliveryCAFile,
                                        connectTimeout: min(config.connectTimeout, 15), commandTimeout: 30,
                                        port: port ?? config.deliveryPort)
        let probe = try DestinationProbe(settings: settings, routing: routing, group: group, pool: pool, clock: clock,
                                         logger: logger)
        let result = await body(probe)
        await mtaSTS.shutdown()
        return result
    }

    /// `sealgate probe --forget DOMAIN`: drops the domain's TLS observations (and so its ratchet).
    /// With `shared_store`, on every node at once.
    public static func forget(config: GatewayConfig, domain: String) throws {
        try SharedState.withCLI(config) { shared in
            if let shared { return try shared.observations(config, clock: SystemClock()).forget(domain: domain) }
            guard let store = try observations(config, clock: SystemClock()) else {
                throw ProbeRunnerError("no delivery.observations directory configured")
            }
            try store.forget(domain: domain)
        }
    }

    static func observations(_ config: GatewayConfig, clock: WallClock) throws -> TLSObservationStore? {
        guard !config.observationsPath.isEmpty else { return nil }
        return try TLSObservationStore(directory: config.observationsPath, ratchet: config.tlsRatchet,
                                       expiry: config.tlsRatchetExpiry, clock: clock)
    }
}

public struct ProbeRunnerError: Error, CustomStringConvertible {
    public var description: String
    init(_ text: String) { description = text }
}
