// ControlServer: the daemon's end of the control socket. It executes queue commands against the
// live queue manager (so they coordinate with deliveries in flight) and audits each one.

import Audit
import Delivery
import Foundation
import Logging
import MailCore
import NIOCore
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

/// Reads one request line, answers it, closes.
final class ControlConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var buffer = ByteBuffer()
    private let commands: ControlCommands
    private let logger: Logger

    init(commands: ControlCommands, logger: Logger) { self.commands = commands; self.logger = logger }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        guard buffer.readableBytesView.contains(0x0A) || buffer.readableBytes > 65536 else { return }
        let line = buffer.readString(length: buffer.readableBytes) ?? ""
        let commands = self.commands
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        Task {
            let response: ControlResponse
            if let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(line.utf8)) {
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
