// TestSMTPServer: a tiny SMTP server on 127.0.0.x for the delivery tests (STARTTLS, 8BITMIME and
// REQUIRETLS optional). Recipients "defer*" get 451, "bounce*" get 550; everything else is accepted.

import Foundation
import NIOCore
import NIOPosix
import NIOSSL

final class TestSMTPServer: @unchecked Sendable {
    struct Transaction: Equatable {
        var mailFrom: String
        var rcpts: [String]
        var data: String
    }

    private let lock = NSLock()
    private var _transactions: [Transaction] = []
    private var _commandReads: [[String]] = []
    private var _connections = 0
    private var channel: Channel?
    let pipelining: Bool
    let greeting: String
    let host: String
    let requestedPort: Int
    let eightBitMIME: Bool
    let requireTLS: Bool
    /// STARTTLS: not offered (nil), offered and working (.working), or offered then hung up (.broken).
    enum TLSMode { case working(NIOSSLContext), broken }
    let tls: TLSMode?

    var transactions: [Transaction] { lock.withLock { _transactions } }
    /// The command lines received, grouped by the read that carried them.
    var commandReads: [[String]] { lock.withLock { _commandReads } }
    var port: Int { channel?.localAddress?.port ?? 0 }
    /// Every command line received, in order.
    var commands: [String] { commandReads.flatMap { $0 } }
    /// TCP connections accepted.
    var connections: Int { lock.withLock { _connections } }

    init(pipelining: Bool = true, greeting: String = "220 sink.test ESMTP", tls: TLSMode? = nil,
         host: String = "127.0.0.1", port: Int = 0, eightBitMIME: Bool = true, requireTLS: Bool = false) {
        self.pipelining = pipelining
        self.greeting = greeting
        self.tls = tls
        self.host = host
        self.requestedPort = port
        self.eightBitMIME = eightBitMIME
        self.requireTLS = requireTLS
    }

    func start(group: EventLoopGroup) throws {
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] ch in ch.pipeline.addHandler(Session(server: self)) }
            .bind(host: host, port: requestedPort).wait()
    }

    func stop() { try? channel?.close().wait() }

    fileprivate func record(_ t: Transaction) { lock.withLock { _transactions.append(t) } }
    fileprivate func recordRead(_ lines: [String]) { lock.withLock { _commandReads.append(lines) } }
    fileprivate func recordConnection() { lock.withLock { _connections += 1 } }

    private final class Session: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let server: TestSMTPServer
        var pending: [UInt8] = []
        var inData = false
        var current = Transaction(mailFrom: "", rcpts: [], data: "")
        var dataLines: [String] = []
        var secured = false

        init(server: TestSMTPServer) { self.server = server }

        func channelActive(context: ChannelHandlerContext) {
            server.recordConnection()
            reply(context, server.greeting)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buf = unwrapInboundIn(data)
            pending += buf.readBytes(length: buf.readableBytes) ?? []
            var lines: [String] = []
            while let lf = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<lf])
                pending.removeFirst(lf + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                let text = String(decoding: line, as: UTF8.self)
                if inData {
                    handleData(context, text)
                } else {
                    lines.append(text)
                    handleCommand(context, text)
                }
            }
            if !lines.isEmpty { server.recordRead(lines) }
        }

        func handleData(_ context: ChannelHandlerContext, _ line: String) {
            if line == "." {
                inData = false
                current.data = dataLines.joined(separator: "\r\n") + "\r\n"
                server.record(current)
                current = Transaction(mailFrom: "", rcpts: [], data: "")
                dataLines = []
                reply(context, "250 2.0.0 Ok: queued as TESTID")
            } else {
                dataLines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
            }
        }

        func handleCommand(_ context: ChannelHandlerContext, _ line: String) {
            let upper = line.uppercased()
            if upper.hasPrefix("EHLO") {
                var caps = ["250-sink.test", "250-SIZE 10000000", "250-ENHANCEDSTATUSCODES"]
                if server.eightBitMIME { caps.append("250-8BITMIME") }
                if server.pipelining { caps.append("250-PIPELINING") }
                if server.requireTLS && secured { caps.append("250-REQUIRETLS") }
                if server.tls != nil && !secured { caps.append("250-STARTTLS") }
                caps.append("250 DSN")
                reply(context, caps.joined(separator: "\r\n"))
            } else if upper.hasPrefix("MAIL FROM:") {
                current.mailFrom = line
                reply(context, "250 2.1.0 Ok")
            } else if upper.hasPrefix("RCPT TO:<DEFER") {
                reply(context, "451 4.2.0 <\(line.dropFirst(9))>: mailbox busy, try later")
            } else if upper.hasPrefix("RCPT TO:<BOUNCE") {
                reply(context, "550-5.1.1 <\(line.dropFirst(9))>: Recipient address rejected:\r\n550 5.1.1 User unknown")
            } else if upper.hasPrefix("RCPT TO:") {
                current.rcpts.append(line)
                reply(context, "250 2.1.5 Ok")
            } else if upper == "DATA" {
                if current.rcpts.isEmpty { reply(context, "554 5.5.1 No valid recipients"); return }
                inData = true
                reply(context, "354 End data with <CR><LF>.<CR><LF>")
            } else if upper == "STARTTLS", let mode = server.tls, !secured {
                reply(context, "220 2.0.0 Ready to start TLS")
                pending = []
                switch mode {
                case .broken:
                    context.close(promise: nil)
                case .working(let ssl):
                    secured = true
                    _ = context.pipeline.addHandler(NIOSSLServerHandler(context: ssl), position: .first)
                }
            } else if upper == "QUIT" {
                reply(context, "221 2.0.0 Bye")
                context.close(promise: nil)
            } else if upper == "RSET" || upper == "NOOP" {
                reply(context, "250 2.0.0 Ok")
            } else {
                reply(context, "502 5.5.2 Error: command not recognized")
            }
        }

        func reply(_ context: ChannelHandlerContext, _ text: String) {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text + "\r\n")), promise: nil)
        }
    }
}
