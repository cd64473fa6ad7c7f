// SMTPConnection: one TCP connection to an SMTP server, driven with async calls: send a command,
// read a reply (with a timeout), and upgrade to TLS in place after STARTTLS.

import Foundation
import MailCore
import NIOCore
import NIOPosix
import NIOSSL
import SMTPProtocol
import TLSObserver

final class SMTPConnection {
    let channel: Channel
    private let reader: ReplyReader
    let remoteIP: String?
    let remotePort: Int?

    private init(channel: Channel, reader: ReplyReader) {
        self.channel = channel
        self.reader = reader
        remoteIP = channel.remoteAddress?.ipAddress
        remotePort = channel.remoteAddress?.port
    }

    static func connect(host: String, port: Int, group: EventLoopGroup, timeout: TimeInterval) async throws -> SMTPConnection {
        let reader = ReplyReader()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in channel.pipeline.addHandler(reader) }
        let channel = try await bootstrap.connect(host: host, port: port).get()
        return SMTPConnection(channel: channel, reader: reader)
    }

    func readReply(timeout: TimeInterval, doing what: String) async throws -> SMTPReply {
        let reader = self.reader, channel = self.channel
        return try await channel.eventLoop.flatSubmit {
            reader.nextReply(channel: channel, timeout: timeout, doing: what)
        }.get()
    }

    func send(_ bytes: [UInt8]) async throws {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try await channel.writeAndFlush(buffer).get()
    }

    func send(_ commands: [ClientCommand], utf8: Bool) async throws {
        var buffer = channel.allocator.buffer(capacity: 256 * commands.count)
        for command in commands { command.write(into: &buffer, utf8: utf8) }
        try await channel.writeAndFlush(buffer).get()
    }

    func command(_ command: ClientCommand, utf8: Bool = false, timeout: TimeInterval) async throws -> SMTPReply {
        try await send([command], utf8: utf8)
        return try await readReply(timeout: timeout, doing: "waiting for the reply to \(command.verb)")
    }

    /// Puts TLS under the SMTP conversation: the observer first (nearest the socket), then the
    /// NIOSSL client handler. Returns once the handshake completes; throws when it fails.
    func startTLS(context: NIOSSLContext, serverName: String?, capture: PeerChainCapture,
                  timeout: TimeInterval) async throws -> (observer: TLSObserverHandler, handler: NIOSSLClientHandler) {
        let reader = self.reader, channel = self.channel
        let observer = TLSObserverHandler()
        let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName,
                                              customVerificationCallback: capture.callback)
        let handshake: EventLoopFuture<Void> = channel.eventLoop.flatSubmit {
            // RFC 3207: anything the server sent before the TLS handshake is discarded.
            _ = reader.discardBuffered()
            let done = reader.awaitHandshake(loop: channel.eventLoop)
            let timer = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
                channel.close(promise: nil)
            }
            done.whenComplete { _ in timer.cancel() }
            return channel.pipeline.addHandler(observer, position: .first)
                .flatMap { channel.pipeline.addHandler(handler, position: .after(observer)) }
                .flatMap { done }
        }
        try await handshake.get()
        return (observer, handler)
    }

    /// Sends QUIT and waits briefly for its reply; errors are ignored (the transaction is over).
    func quit(timeout: TimeInterval) async {
        _ = try? await command(.quit, timeout: min(timeout, 10))
        close()
    }

    func close() {
        channel.close(promise: nil)
    }
}

extension ClientCommand {
    /// The command word, for messages ("MAIL", "RCPT", ...).
    var verb: String {
        String(line().prefix { $0 != " " })
    }
}
