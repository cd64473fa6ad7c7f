// A tiny HTTPS server for the MTA-STS client tests: NIOSSL on 127.0.0.1, an ephemeral port, one
// canned HTTP/1.1 response per connection (written by hand), and a count of requests received.
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

final class MTASTSTestHTTPSServer: @unchecked Sendable {
    struct Response {
        var status = "200 OK"
        var headers: [(String, String)] = [("Content-Type", "text/plain; charset=utf-8")]
        var body = ""
        /// Send Content-Length; without it the body ends when the connection closes.
        var contentLength = true
    }

    private struct State {
        var response = Response()
        var requestLines: [String] = []
    }

    private let state = NIOLockedValueBox(State())
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: Channel?

    var port: Int { channel?.localAddress?.port ?? 0 }
    var requestLines: [String] { state.withLockedValue { $0.requestLines } }
    var requestCount: Int { requestLines.count }

    func respond(_ response: Response) { state.withLockedValue { $0.response = response } }

    func start(certificate: NIOSSLCertificate, key: NIOSSLPrivateKey, host: String = "127.0.0.1") async throws {
        let context = try NIOSSLContext(configuration: .makeServerConfiguration(
            certificateChain: [.certificate(certificate)], privateKey: .privateKey(key)))
        let state = self.state
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(OneShotHTTPHandler(state: state))
                }
            }
            .bind(host: host, port: 0).get()
    }

    func stop() async {
        try? await channel?.close().get()
        try? await group.shutdownGracefully()
    }

    /// Reads one request head, answers it with the current canned response, and closes.
    private final class OneShotHTTPHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let state: NIOLockedValueBox<State>
        private var received = ""
        private var answered = false

        init(state: NIOLockedValueBox<State>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            received += buffer.readString(length: buffer.readableBytes) ?? ""
            guard !answered, received.contains("\r\n\r\n") else { return }
            answered = true
            let requestLine = String(received.prefix { $0 != "\r\n" && $0 != "\r" })
            let response = state.withLockedValue { s -> Response in
                s.requestLines.append(requestLine)
                return s.response
            }
            var head = "HTTP/1.1 \(response.status)\r\nConnection: close\r\n"
            for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
            if response.contentLength { head += "Content-Length: \(response.body.utf8.count)\r\n" }
            head += "\r\n"
            let out = context.channel.allocator.buffer(string: head + response.body)
            context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in context.close(promise: nil) }
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            context.close(promise: nil)
        }
    }
}
