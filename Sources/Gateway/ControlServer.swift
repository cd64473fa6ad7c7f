// ControlServer: the daemon's end of the control socket. It executes queue commands against the
// live queue manager (so they coordinate with deliveries in flight) and audits each one.

import Audit
import Delivery
import Foundation
import Logging
import MailCore
import NIOCore
import NIOExtras
import NIOPosix

final class ControlServer: @unchecked Sendable {
    private let path: String
    private let commands: ControlCommands
    private let group: EventLoopGroup
    private let logger: Logger
    private var channel: Channel?

    init(path: String, commands: ControlCommands, group: EventLoopGroup, logger: Logger) {
        self.path = path; self.commands = commands; self.group = group; self.logger = logger
    }

    func start() async throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let commands = self.commands, logger = self.logger
        // Create the socket with a restrictive umask so it is never briefly world-accessible.
        let oldMask = umask(0o177)
        defer { umask(oldMask) }
        channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // One request line of at most 64 KiB (NIOExtras frames it).
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize: 65536))
                    try channel.pipeline.syncOperations.addHandler(ControlConnectionHandler(commands: commands, logger: logger))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        chmod(path, 0o600)
    }

    func stop() async {
        try? await channel?.close()
        unlink(path)
    }
}

/// Answers one request line, then closes.
final class ControlConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var answered = false
    private let commands: ControlCommands
    private let logger: Logger

    init(commands: ControlCommands, logger: Logger) { self.commands = commands; self.logger = logger }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)   // an over-long line or a reset: nothing to answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        var frame = unwrapInboundIn(data)
        let line = frame.readString(length: frame.readableBytes) ?? ""
        let commands = self.commands
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        Task {
            let response: ControlResponse
            if let request = try? ControlCodec.decode(ControlRequest.self, from: Data(line.utf8)) {
                response = await commands.execute(request)
            } else {
                response = ControlResponse(ok: false, message: "malformed request")
            }
            eventLoop.execute {
                let (handler, ctx) = loopBound.value
                var out = ctx.channel.allocator.buffer(capacity: 128)
                out.writeBytes(ControlCodec.encodeLine(response))
                ctx.writeAndFlush(handler.wrapOutboundOut(out)).whenComplete { _ in ctx.close(promise: nil) }
            }
        }
    }
}
