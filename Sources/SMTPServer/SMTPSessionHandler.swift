// SMTPSessionHandler: the thin NIO shell around SMTPServerStateMachine. It feeds the machine
// bytes, writes its replies, installs TLS, and runs AUTH checks and queue commits off the loop.

import Foundation
import Logging
import MailCore
import NIOCore
import NIOSSL
import NIOTLS
import SMTPProtocol
import TLSObserver

final class SMTPSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let listener: ListenerSettings
    private let settings: InboundSettings
    private let sink: MessageSink
    private let authenticator: Authenticator
    private let registry: ConnectionRegistry
    /// The wall clock for the Received header's date and the envelope's arrival time.
    private let now: @Sendable () -> Date
    private var logger: Logger

    private var machine: SMTPServerStateMachine?
    private var observer: TLSObserverHandler?
    private var tlsFacts: TLSFacts?
    private var peerAddress = "unknown"
    private var peerPort = 0
    /// The verified reverse name, once the lookup started at connect has answered.
    private var peerName: String?
    private var idleTimer: Scheduled<Void>?
    /// A commit or an AUTH check is running off the loop: the client is waiting for us, not we for it.
    private var awaitingServer = false
    private var registered = false
    /// The session's timeouts, normal and under stress; set once the session is admitted.
    private var idleClock: SessionIdleClock?
    private var greeted = false
    private var closing = false

    init(listener: ListenerSettings, settings: InboundSettings, sink: MessageSink, authenticator: Authenticator,
         registry: ConnectionRegistry, now: @escaping @Sendable () -> Date, logger: Logger,
         implicitTLSObserver: TLSObserverHandler?) {
        self.listener = listener; self.settings = settings; self.sink = sink
        self.authenticator = authenticator; self.registry = registry; self.now = now; self.logger = logger
        self.observer = implicitTLSObserver
    }

    // MARK: channel events

    func channelActive(context: ChannelHandlerContext) {
        let remote = context.channel.remoteAddress
        peerAddress = remote?.ipAddress ?? "unknown"
        peerPort = remote?.port ?? 0
        logger[metadataKey: "client"] = "\(peerAddress)"
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let handle = ConnectionRegistry.SessionHandle(eventLoop: context.eventLoop) {
            let (handler, ctx) = loopBound.value
            handler.shutdown(context: ctx)
        }
        // Admission is decided here, by client IP and listener, before the client has said a word.
        let client = IPAddress(peerAddress)
        let privileged = settings.isPrivileged(listener: listener, client: client)
        let limits = settings.connectionLimits
        switch registry.register(ObjectIdentifier(self), ip: peerAddress, limits: limits, privileged: privileged, handle: handle) {
        case .refused(let refusal):
            refuse(refusal, limits: limits, context: context)
            return
        case .admitted(let stress):
            if let stress { logStress(stress, limits: limits) }
        }
        registered = true
        logger.info("connect from unknown[\(peerAddress)]")
        lookUpClientName(context: context)
        let config = settings.machineConfig(listener: listener, client: client, underStress: registry.underStress)
        machine = SMTPServerStateMachine(config: config, tlsActive: listener.tls == .implicit)
        let timeouts = SessionIdleClock.Timeouts(command: settings.commandTimeout, data: settings.dataTimeout,
                                                 stress: settings.stressCommandTimeout)
        idleClock = SessionIdleClock(timeouts: timeouts, privileged: privileged, start: context.eventLoop.now)
        armIdleTimer(context: context)
        // With implicit TLS the greeting waits for the handshake (see userInboundEventTriggered).
        if listener.tls != .implicit, let actions = machine?.start() {
            greeted = true
            perform(actions, context: context)
        }
    }

    /// The 421 for a connection over a limit; the same text whichever limit it was.
    private func refuse(_ refusal: ConnectionRegistry.Refusal, limits: ConnectionLimits, context: ChannelHandlerContext) {
        switch refusal {
        case .full(let inUse):
            logger.warning("connection limit reached (\(inUse) of \(limits.maxTotal) in use), refusing unknown[\(peerAddress)]")
        case .reserved(let inUse):
            logger.warning("connection limit reached (\(inUse) of \(limits.maxTotal) in use, \(limits.reserved) reserved for trusted networks and submission), refusing unknown[\(peerAddress)]")
        case .perIP:
            logger.warning("per-IP connection limit reached (\(limits.maxPerIP)), refusing unknown[\(peerAddress)]")
        }
        write(SMTPReply(421, EnhancedStatus(4, 7, 0), "\(settings.hostname) Too many connections, try again later"), context: context)
        context.writeAndFlush(NIOAny(ByteBuffer()), promise: nil)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        if registered {
            registered = false
            let stress = registry.unregister(ObjectIdentifier(self), ip: peerAddress)
            logger.info("disconnect from unknown[\(peerAddress)]")
            if let stress { logStress(stress, limits: settings.connectionLimits) }
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard machine != nil, !closing else { return }
        let bytes = unwrapInboundIn(data)
        // A line end completes a record (a command line or a line of the message); under stress
        // only that moves the deadline of an untrusted session (see SessionIdleClock).
        let recordCompleted = bytes.readableBytesView.contains(UInt8(ascii: "\n"))
        if let actions = machine?.receive(bytes) { perform(actions, context: context) }
        noteProgress(recordCompleted: recordCompleted, context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            recordTLSFacts()
            let actions = greeted ? machine?.tlsEstablished() : machine?.start()
            greeted = true
            perform(actions ?? [], context: context)
            noteProgress(recordCompleted: true, context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // TLS handshake failures and resets end the session; nothing is queued half-way.
        logger.info("session error from unknown[\(peerAddress)]: \(error)")
        context.close(promise: nil)
    }

    // MARK: actions

    private func perform(_ actions: [SMTPServerAction], context: ChannelHandlerContext) {
        var wrote = false
        for action in actions {
            switch action {
            case .send(let reply):
                write(reply, context: context)
                wrote = true
            case .startTLS:
                context.flush()
                wrote = false
                startTLS(context: context)
            case .verifyCredentials(_, let username, let password):
                awaitingServer = true
                verify(username: username, password: password, context: context)
            case .commit(let transaction):
                awaitingServer = true
                commit(transaction, context: context)
            case .close:
                closing = true
                context.writeAndFlush(wrapOutboundOut(ByteBuffer())).whenComplete { _ in context.close(promise: nil) }
                wrote = false
            }
        }
        if wrote { context.flush() }
    }

    private func write(_ reply: SMTPReply, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        encode(reply, into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    /// Puts TLS under this handler. The 220 was flushed in plaintext before this point and the
    /// machine has already dropped anything the client pipelined after STARTTLS.
    private func startTLS(context: ChannelHandlerContext) {
        guard let tlsContext = settings.tlsContext else { context.close(promise: nil); return }
        let observer = TLSObserverHandler()
        self.observer = observer
        do {
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext), position: .first)
            try context.pipeline.syncOperations.addHandler(observer, position: .first)
        } catch {
            logger.error("cannot start TLS: \(error)")
            context.close(promise: nil)
        }
    }

    private func recordTLSFacts() {
        guard let seen = observer?.observed else { return }
        tlsFacts = TLSFacts(version: seen.version, cipher: seen.cipher, bits: seen.bits, algorithmBits: seen.algorithmBits,
                            verification: .none)
    }

    private func verify(username: String, password: String, context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let authenticator = self.authenticator, client = peerAddress
        let eventLoop = context.eventLoop
        Task {
            let result = await authenticator.verify(username: username, password: password, client: client)
            eventLoop.execute {
                let (handler, ctx) = loopBound.value
                handler.awaitingServer = false
                guard !handler.closing, let actions = handler.machine?.authenticationResult(result) else { return }
                if case .failure = result { handler.logger.warning("authentication failed for unknown[\(handler.peerAddress)]") }
                handler.perform(actions, context: ctx)
                handler.noteProgress(recordCompleted: true, context: ctx)
            }
        }
    }

    private func commit(_ transaction: SMTPTransaction, context: ChannelHandlerContext) {
        let queueID = QueueID.generate(node: settings.nodeID)
        let client = ClientInfo(address: peerAddress, port: peerPort, hostname: peerName, helo: transaction.helo,
                                protocolName: transaction.protocolName, authenticatedUser: transaction.authenticatedUser,
                                tls: tlsFacts, listener: listener.name)
        let now = self.now()
        var message = Array(ReceivedHeader.render(client: client, localHostname: settings.hostname, queueID: queueID, date: now).utf8)
        message.append(contentsOf: transaction.data.readableBytesView)
        let envelope = Envelope(queueID: queueID, sender: transaction.sender, recipients: transaction.recipients,
                                bodyType: transaction.bodyType, smtputf8: transaction.smtputf8, requireTLS: transaction.requireTLS,
                                dsnReturn: transaction.dsnReturn, envelopeID: transaction.envelopeID, size: message.count,
                                arrival: now, client: client)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let sink = self.sink, inspector = settings.inspector
        let eventLoop = context.eventLoop
        let log = logger
        Task {
            let result = await SMTPSessionHandler.inspectAndQueue(envelope: envelope, message: message, transaction: transaction,
                                                                  inspector: inspector, sink: sink, logger: log)
            eventLoop.execute {
                let (handler, ctx) = loopBound.value
                handler.awaitingServer = false
                guard let actions = handler.machine?.commitResult(result) else { return }
                handler.perform(actions, context: ctx)
                handler.noteProgress(recordCompleted: true, context: ctx)
            }
        }
    }

    /// Scan and policy (once per message, before the 250), then the durable commit.
    private static func inspectAndQueue(envelope: Envelope, message: [UInt8], transaction: SMTPTransaction,
                                        inspector: MessageInspector?, sink: MessageSink, logger: Logger) async -> Result<QueueID, DeliveryError> {
        var envelope = envelope
        var message = message
        let queueID = envelope.queueID
        if let inspector {
            switch await inspector.attachDecisions(to: envelope, message: message) {
            case .rejectedByPolicy(let reply):
                logger.info("\(queueID): rejected by policy: \(reply)")
                return .failure(DeliveryError(reply.status ?? EnhancedStatus(5, 7, 1), reply.lines.joined(separator: " "), reply: reply))
            case .accepted(let inspected):
                envelope = inspected.envelope
                message = inspected.message
            }
        }
        do {
            try await sink.accept(envelope: envelope, message: message)
            let user = transaction.authenticatedUser.map { ", sasl_username=\($0)" } ?? ""
            logger.info("\(queueID): client=unknown[\(envelope.client.address)]\(user), from=<\(transaction.sender?.description ?? "")>, size=\(message.count), nrcpt=\(transaction.recipients.count)")
            return .success(queueID)
        } catch let error as DeliveryError {
            logger.error("\(queueID): not queued: \(error)")
            return .failure(error)
        } catch {
            logger.error("\(queueID): not queued: \(error)")
            return .failure(DeliveryError(EnhancedStatus(4, 3, 0), "Queue file write error"))
        }
    }

    /// Starts the PTR + forward-confirm lookup; a message that ends before it answers says "unknown".
    private func lookUpClientName(context: ChannelHandlerContext) {
        guard let lookup = settings.clientNames, let ip = IPAddress(peerAddress) else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        Task {
            let name = await lookup.name(for: ip)
            eventLoop.execute { loopBound.value.0.peerName = name }
        }
    }

    // MARK: timeouts and shutdown

    /// Input arrived or the server replied: the client's time starts again. `recordCompleted` is
    /// true when a whole line is in (a line end arrived) or the server has just answered.
    private func noteProgress(recordCompleted: Bool, context: ChannelHandlerContext) {
        idleClock?.progress(at: context.eventLoop.now, recordCompleted: recordCompleted)
        armIdleTimer(context: context)
    }

    /// (Re)schedules the timeout check (SessionIdleClock decides when). No timer runs while the
    /// wait is ours (a commit or an AUTH check) nor once the session is closing.
    private func armIdleTimer(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        guard !closing, !awaitingServer, let clock = idleClock else { return }
        let wake = clock.nextCheck(now: context.eventLoop.now, receivingData: machine?.isReceivingData == true,
                                   underStress: registry.underStress)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(deadline: wake) {
            let (handler, ctx) = loopBound.value
            handler.idleTimerFired(context: ctx)
        }
    }

    private func idleTimerFired(context: ChannelHandlerContext) {
        idleTimer = nil
        guard !closing, !awaitingServer, let clock = idleClock else { return }
        let stressed = registry.underStress
        let now = context.eventLoop.now
        guard now >= clock.deadline(receivingData: machine?.isReceivingData == true, underStress: stressed) else {
            armIdleTimer(context: context)   // not yet, or stress ended: look again later
            return
        }
        let idle = (now - clock.lastInput).nanoseconds / 1_000_000_000
        let why = clock.stressApplies(underStress: stressed)
            ? " (stress mode: no complete line for \(Int(settings.stressCommandTimeout))s)" : ""
        logger.info("timeout after \(idle)s\(why) from unknown[\(peerAddress)]")
        if let actions = machine?.timedOut() { perform(actions, context: context) }
    }

    /// Logs stress mode beginning or ending (notice), once per transition, with the counts.
    private func logStress(_ change: StressChange, limits: ConnectionLimits) {
        var log = logger
        log[metadataKey: "client"] = nil
        if change.began {
            log.notice("stress mode on: \(change.inUse) connections in use, threshold \(change.threshold), limit \(limits.maxTotal) with \(limits.reserved) reserved; untrusted sessions now get a \(Int(settings.stressCommandTimeout))s per-line deadline, and new ones 1 error")
        } else {
            log.notice("stress mode off: \(change.inUse) connections in use, below threshold \(change.threshold); connections refused while it lasted: \(change.refused)")
        }
    }

    private func shutdown(context: ChannelHandlerContext) {
        guard !closing, let actions = machine?.shutdown() else { return }
        perform(actions, context: context)
    }
}
