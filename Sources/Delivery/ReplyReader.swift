// ReplyReader: the channel handler under the SMTP client. It parses replies as bytes arrive and
// hands them out one at a time on request, with a timeout; it also reports the TLS handshake.

import MailCore
import NIOCore
import NIOSSL
import NIOTLS
import Foundation
import SMTPProtocol

/// Why the SMTP conversation stopped without a reply.
enum ConnectionFailure: Error, CustomStringConvertible {
    case timeout(String)
    case closed
    case protocolError(String)
    case io(String)
    /// The TLS layer refused the handshake (an alert, no common version or cipher): the host's
    /// capability, unlike a hang-up or a timeout.
    case tlsRefused(String)

    var description: String {
        switch self {
        case .timeout(let what): return "conversation timed out while \(what)"
        case .closed: return "lost connection"
        case .protocolError(let why): return "protocol error: \(why)"
        case .io(let why): return why
        case .tlsRefused(let why): return why
        }
    }
}

/// All members are used on the channel's event loop only.
final class ReplyReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var parser = ClientReplyParser()
    private var ready: [SMTPReply] = []
    private var waiter: (promise: EventLoopPromise<SMTPReply>, timeout: Scheduled<Void>?)?
    private var failure: ConnectionFailure?
    private var handshake: EventLoopPromise<Void>?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        do {
            ready += try parser.feed(&buffer)
        } catch {
            fail(.protocolError("\(error)"), context: context)
            return
        }
        deliver()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            handshake?.succeed(())
            handshake = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let tls = error as? NIOSSLError, case .handshakeFailed = tls {
            fail(.tlsRefused("\(error)"), context: context)
        } else {
            fail(.io("\(error)"), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.closed, context: nil)
        context.fireChannelInactive()
    }

    private func fail(_ why: ConnectionFailure, context: ChannelHandlerContext?) {
        if failure == nil { failure = why }
        if let handshake {
            self.handshake = nil
            handshake.fail(why)
        }
        if let waiter {
            self.waiter = nil
            waiter.timeout?.cancel()
            waiter.promise.fail(why)
        }
        context?.close(promise: nil)
    }

    private func deliver() {
        guard let waiter, !ready.isEmpty else { return }
        self.waiter = nil
        waiter.timeout?.cancel()
        waiter.promise.succeed(ready.removeFirst())
    }

    /// The next reply, waiting up to `timeout` seconds; on timeout the channel is closed.
    func nextReply(channel: Channel, timeout: TimeInterval, doing what: String) -> EventLoopFuture<SMTPReply> {
        let loop = channel.eventLoop
        loop.preconditionInEventLoop()
        if !ready.isEmpty { return loop.makeSucceededFuture(ready.removeFirst()) }
        if let failure { return loop.makeFailedFuture(failure) }
        let promise = loop.makePromise(of: SMTPReply.self)
        let timer = loop.scheduleTask(in: .nanoseconds(Int64(timeout * 1_000_000_000))) { [weak self] in
            guard let self, let waiter = self.waiter, waiter.promise.futureResult === promise.futureResult else { return }
            self.waiter = nil
            self.failure = .timeout(what)
            promise.fail(ConnectionFailure.timeout(what))
            channel.close(promise: nil)
        }
        waiter = (promise, timer)
        return promise.futureResult
    }

    /// Discards anything received but not yet read: after STARTTLS, plaintext must not be trusted.
    func discardBuffered() -> Bool {
        let had = !ready.isEmpty || parser.hasPartialReply
        ready.removeAll()
        parser = ClientReplyParser()
        return had
    }

    /// A future completed when the TLS handshake completes or the connection fails.
    func awaitHandshake(loop: EventLoop) -> EventLoopFuture<Void> {
        if let failure { return loop.makeFailedFuture(failure) }
        let promise = loop.makePromise(of: Void.self)
        handshake = promise
        return promise.futureResult
    }
}
