// TLSObserverHandler: a pass-through channel handler placed between the socket and NIOSSLHandler.
// It watches the cleartext handshake in both directions and records what the ServerHello chose.

import NIOCore

/// swift-nio-ssl reports the TLS version but not the cipher; the ServerHello is cleartext in
/// TLS 1.2 and 1.3, so this handler reads it as it passes (design.md §7). Add it to the pipeline
/// *before* the NIOSSLHandler so it sees raw bytes. Bytes are never modified.
public final class TLSObserverHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private var inbound = ServerHelloSniffer()
    private var outbound = ServerHelloSniffer()

    public init() {}

    /// What the ServerHello chose, once it has passed (read on the channel's event loop).
    public var observed: ObservedTLS? { inbound.result ?? outbound.result }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !inbound.isDone { inbound.feed(unwrapInboundIn(data)) }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if !outbound.isDone { outbound.feed(unwrapOutboundIn(data)) }
        context.write(data, promise: promise)
    }
}
