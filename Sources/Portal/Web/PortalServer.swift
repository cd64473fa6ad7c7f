// PortalServer: the portal's HTTPS listener: a Hummingbird 2 application (a ServiceLifecycle
// service) over TLS 1.2+ with the portal's own certificate, its routes, headers and error pages.

import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

public enum PortalServer {
    /// The service the daemon runs in its service group. Throws when the certificate or key cannot be read.
    /// `onServerRunning` runs once the listener is bound (the daemon says "ready" only after it);
    /// `eventLoopGroup` is the daemon's own (nil: NIO's shared singleton, for tests).
    public static func make(settings: PortalServerSettings, pickup: any PortalPickupService, templates: PortalTemplates,
                            logger: Logger, eventLoopGroup: (any EventLoopGroup)? = nil,
                            onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) throws -> some Service {
        try application(settings: settings, pickup: pickup, templates: templates, logger: logger,
                        tlsConfiguration: try tlsConfiguration(settings), eventLoopGroup: eventLoopGroup,
                        onServerRunning: onServerRunning)
    }

    /// The application; `make` gives it TLS, tests drive it in memory without (`tlsConfiguration: nil`).
    public static func application(settings: PortalServerSettings, pickup: any PortalPickupService, templates: PortalTemplates,
                                   logger: Logger, tlsConfiguration: TLSConfiguration?, eventLoopGroup: (any EventLoopGroup)? = nil,
                                   onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in })
        throws -> some ApplicationProtocol {
        // No access log: no middleware logs requests, and no route logs a path, a query or a cookie
        // (the link's token is in the path). The server name is not announced.
        let router = router(settings: settings, pickup: pickup, templates: templates)
        let configuration = ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: nil)
        let groupProvider: EventLoopGroupProvider = eventLoopGroup.map { .shared($0) } ?? .singleton
        // A connection idle for a minute is closed (nginx's client_body_timeout): a slow client cannot
        // hold connections open for ever.
        guard let tlsConfiguration else {
            return Application(router: router, server: .http1(configuration: .init(idleTimeout: .seconds(60))),
                               configuration: configuration, onServerRunning: onServerRunning, eventLoopGroupProvider: groupProvider,
                               logger: logger)
        }
        return Application(router: router, server: try .tls(.http1(configuration: .init(idleTimeout: .seconds(60))),
                                                             tlsConfiguration: tlsConfiguration),
                           configuration: configuration, onServerRunning: onServerRunning, eventLoopGroupProvider: groupProvider,
                           logger: logger)
    }

    static func router(settings: PortalServerSettings, pickup: any PortalPickupService,
                       templates: PortalTemplates) -> Router<PortalRequestContext> {
        let pages = PortalPages(templates: templates, organisation: pickup.organisation, settings: settings)
        let router = Router(context: PortalRequestContext.self)
        router.add(middleware: PortalSecurityHeadersMiddleware())
        router.add(middleware: PortalErrorPagesMiddleware(pages: pages))
        PortalRoutes(pickup: pickup, pages: pages, templates: templates, settings: settings).register(on: router)
        return router
    }

    /// The certificate chain and key (PEM), TLS 1.2 at least, NIOSSL's default (modern) cipher suites.
    static func tlsConfiguration(_ settings: PortalServerSettings) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(settings.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: settings.keyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if !settings.cipherSuites.isEmpty { configuration.cipherSuiteValues = settings.cipherSuites }
        return configuration
    }
}
