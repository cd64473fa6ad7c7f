// SMTPListener: binds one configured listener socket and gives every accepted connection its own
// SMTPSessionHandler (with TLS underneath from the start on an implicit-TLS listener).

import Foundation
import Logging
import MailCore
import NIOCore
import NIOPosix
import NIOSSL
import TLSObserver

public final class SMTPListener: @unchecked Sendable {
    public let listener: ListenerSettings
    private let settings: LiveInboundSettings
    private let sink: MessageSink
    private let authenticator: Authenticator
    private let registry: ConnectionRegistry
    private let group: EventLoopGroup
    private let now: @Sendable () -> Date
    private let logger: Logger
    private var channel: Channel?

    public init(listener: ListenerSettings, settings: LiveInboundSettings, sink: MessageSink, authenticator: Authenticator,
                registry: ConnectionRegistry, group: EventLoopGroup, clock: WallClock,
                logger: Logger) {
        self.listener = listener; self.settings = settings; self.sink = sink; self.authenticator = authenticator
        self.registry = registry; self.group = group; self.now = { clock.now() }; self.logger = logger
    }

    /// Binds the socket; returns the address actually bound (port 0 picks a free port).
    @discardableResult
    public func start() async throws -> SocketAddress? {
        let listener = self.listener, live = self.settings, sink = self.sink
        let authenticator = self.authenticator, registry = self.registry, now = self.now
        var logger = self.logger
        logger[metadataKey: "listener"] = "\(listener.name)"
        let sessionLogger = logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let settings = live.current   // this connection's snapshot
                    var observer: TLSObserverHandler?
                    if listener.tls == .implicit, let tls = settings.tlsContext {
                        let o = TLSObserverHandler()
                        observer = o
                        try channel.pipeline.syncOperations.addHandler(o)
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPSessionHandler(
                        listener: listener, settings: settings, sink: sink, authenticator: authenticator,
                        registry: registry, now: now, logger: sessionLogger, implicitTLSObserver: observer))
                }
            }
        let channel = try await bootstrap.bind(host: listener.host, port: listener.port).get()
        self.channel = channel
        return channel.localAddress
    }

    /// Stops accepting new connections; sessions already open carry on.
    public func stopAccepting() async {
        try? await channel?.close()
        channel = nil
    }
}
