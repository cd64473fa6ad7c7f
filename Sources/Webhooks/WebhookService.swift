// WebhookService: every endpoint's outbox and dispatcher, run as one background task of the daemon;
// it reports the total backlog every second. Built by Gateway with the injected group, clock and observer.

import Foundation
import MailCore
import NIOCore

public final class WebhookService: Sendable {
    public let queues: [WebhookAuditRecorder.Queue]
    private let dispatchers: [WebhookDispatcher]
    private let transports: [any WebhookTransport]
    private let clock: WallClock
    private let observer: any WebhookObserver

    /// Opens each endpoint's outbox under `directory` (events a previous run left are sent first).
    public init(endpoints: [WebhookEndpoint], directory: String, clock: WallClock, observer: any WebhookObserver,
                makeTransport: (WebhookEndpoint) throws -> any WebhookTransport, log: @escaping @Sendable (String) -> Void) throws {
        var queues: [WebhookAuditRecorder.Queue] = []
        var dispatchers: [WebhookDispatcher] = []
        var transports: [any WebhookTransport] = []
        for endpoint in endpoints {
            let outbox = try WebhookOutbox(directory: "\(directory)/\(endpoint.queueName)")
            let transport = try makeTransport(endpoint)
            queues.append(.init(endpoint: endpoint, outbox: outbox))
            transports.append(transport)
            dispatchers.append(WebhookDispatcher(endpoint: endpoint, outbox: outbox, transport: transport, clock: clock,
                                                 observer: observer, log: log))
        }
        self.queues = queues; self.dispatchers = dispatchers; self.transports = transports
        self.clock = clock; self.observer = observer
    }

    /// Events waiting over all endpoints.
    public var backlog: Int { queues.reduce(0) { $0 + $1.outbox.count } }

    /// Sends until cancelled, then closes the HTTP clients.
    public func run() async {
        await withTaskGroup(of: Void.self) { tasks in
            for dispatcher in dispatchers { tasks.addTask { await dispatcher.run() } }
            tasks.addTask { [self] in
                while !Task.isCancelled {
                    observer.backlog(backlog)
                    do { try await clock.sleep(until: clock.now().addingTimeInterval(1)) } catch { return }
                }
            }
            await tasks.waitForAll()
        }
        for transport in transports { await transport.shutdown() }
    }
}
