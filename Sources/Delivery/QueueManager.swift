// QueueManager: the queue runner. It walks the spool one message at a time (never the whole queue
// in memory), delivers each due message (smarthost, or MX per group), at most `maxConcurrent` at once.

import Audit
import Foundation
import Logging
import MailCore
import NIOCore
import NIOPosix
import Queue

public final class QueueManager: @unchecked Sendable {
    let spool: Spool
    let audit: AuditRecorder
    let settings: DeliverySettings
    let logger: Logger
    let client: SMTPClient
    /// Set when no smarthost is configured: delivery goes to each domain's MX hosts.
    let mx: MXDelivery?
    /// Blocking spool and audit work (fsync, SQLite) runs here, off the cooperative threads.
    let pool: NIOThreadPool
    /// Every "now" and every wait of the runner comes from this clock.
    let clock: WallClock
    let wakeup: Wakeup
    /// The method ladder's key store, encryption and portal.
    let methods: MethodServices

    private let lock = NSLock()
    private var inFlight: Set<QueueID> = []
    private var deleteRequested: Set<QueueID> = []
    private var kicked: [QueueID] = []
    /// The same IDs as `kicked`, for a constant-time duplicate check under a backlog.
    private var kickedSet: Set<QueueID> = []
    private var flushRequested = false
    /// The earliest retry time reported by finished deliveries since the last scan.
    private var earliestHint: Date?

    /// Smarthost delivery only (the foundation's wiring). Without a smarthost in `settings`,
    /// every recipient is deferred 4.4.3 until a resolver is given (the init with `routing`).
    public convenience init(spool: Spool, audit: AuditRecorder, settings: DeliverySettings, group: EventLoopGroup,
                            pool: NIOThreadPool, clock: WallClock, logger: Logger) throws {
        try self.init(spool: spool, audit: audit, settings: settings, group: group, pool: pool, clock: clock, logger: logger,
                      routing: DeliveryRouting(resolver: nil), methods: .none)
    }

    /// With `settings.smarthostHost == nil`, delivers to MX hosts found through `routing`. Each
    /// recipient climbs its method ladder with `methods` (key store and encryption, portal).
    /// `group` carries the SMTP connections; `pool` (started, owned by the caller) the blocking work.
    /// Throws `CAFile.LoadError` when `settings.extraCAFile` is set but unusable.
    public init(spool: Spool, audit: AuditRecorder, settings: DeliverySettings, group: EventLoopGroup, pool: NIOThreadPool,
                clock: WallClock, logger: Logger, routing: DeliveryRouting, methods: MethodServices) throws {
        self.spool = spool; self.audit = audit; self.settings = settings; self.logger = logger
        self.methods = methods
        self.pool = pool; self.clock = clock; self.wakeup = Wakeup(clock: clock)
        self.client = try SMTPClient(settings: settings, group: group, logger: logger, clock: clock)
        if settings.smarthostHost == nil {
            mx = MXDelivery(client: client, routing: routing, limiter: DestinationLimiter(limit: settings.maxPerDestination),
                            pool: pool, clock: clock, logger: logger)
        } else {
            mx = nil
        }
    }

    // MARK: - requests from outside

    /// A new message was committed (or released): look at it now.
    public func kick(_ id: QueueID) {
        lock.lock(); if kickedSet.insert(id).inserted { kicked.append(id) }; lock.unlock()
        wakeup.signal()
    }

    /// Everything deferred is due now.
    public func flush() {
        lock.lock(); flushRequested = true; lock.unlock()
        wakeup.signal()
    }

    /// Holds every recipient that is not final; returns how many. A delivery in flight keeps its
    /// results; held recipients it deferred stay held (RecipientMerge).
    @discardableResult
    public func hold(_ id: QueueID) throws -> Int {
        try spool.hold(id)
    }

    /// Releases held recipients, makes them due now and wakes the runner; returns how many.
    @discardableResult
    public func release(_ id: QueueID) throws -> Int {
        let count = try spool.release(id, now: clock.now())
        kick(id)
        return count
    }

    /// Deletes the message; when a delivery is in flight it is removed as soon as that finishes.
    public func delete(_ id: QueueID) throws {
        lock.lock()
        if inFlight.contains(id) {
            deleteRequested.insert(id)
            lock.unlock()
            return
        }
        lock.unlock()
        try spool.remove(id)
    }

    // MARK: - the loop

    /// Runs until the task is cancelled. On start every committed message is due.
    public func run() async {
        var fullScan = true
        var everythingDue = true
        var nextScan = Date.distantFuture
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let (kicks, flush, hint) = takeRequests()
                if let hint { nextScan = min(nextScan, hint) }
                if flush || clock.now() >= nextScan { fullScan = true }
                everythingDue = everythingDue || flush
                let candidates: [QueueID]
                if fullScan {
                    candidates = await loadQueueIDs()
                    nextScan = .distantFuture
                } else {
                    candidates = kicks
                }
                for id in candidates where !Task.isCancelled {
                    if let retry = await startIfDue(id, everythingDue: everythingDue, group: &group) {
                        if fullScan { nextScan = min(nextScan, retry) }
                    }
                }
                if fullScan && nextScan == .distantFuture { nextScan = clock.now().addingTimeInterval(settings.retry.thereafter) }
                fullScan = false
                everythingDue = false
                await wakeup.sleep(until: nextScan)
            }
        }
    }

    private func takeRequests() -> (kicks: [QueueID], flush: Bool, hint: Date?) {
        lock.lock(); defer { lock.unlock() }
        let out = (kicked, flushRequested, earliestHint)
        kicked = []; kickedSet = []; flushRequested = false; earliestHint = nil
        return out
    }

    private func loadQueueIDs() async -> [QueueID] {
        do {
            return try await pool.runIfActive { [spool] in try spool.queueIDs() }
        } catch {
            logger.error("cannot list the queue: \(error)")
            return []
        }
    }

    /// Starts a delivery for `id` when some recipient is due, waiting for a free slot first.
    /// Returns the earliest future retry time of its recipients that are not due.
    private func startIfDue(_ id: QueueID, everythingDue: Bool, group: inout DiscardingTaskGroup) async -> Date? {
        if isInFlight(id) { return nil }
        guard var loaded = await load(id) else { return nil }
        var (due, later) = DuePlanner.plan(states: loaded.1, now: clock.now(), everythingDue: everythingDue)
        guard !due.isEmpty else { return later }
        var waited = false
        while inFlightCount() >= settings.maxConcurrent && !Task.isCancelled {
            waited = true
            await wakeup.sleep(until: .distantFuture)
        }
        if waited {
            // A hold, release or delete may have come in while this waited for a slot.
            guard let fresh = await load(id) else { return nil }
            loaded = fresh
            (due, later) = DuePlanner.plan(states: loaded.1, now: clock.now(), everythingDue: everythingDue)
            guard !due.isEmpty else { return later }
        }
        _ = lock.withLock { inFlight.insert(id) }
        let envelope = loaded.0, dueNow = due
        group.addTask { [self] in
            let retry = await self.deliver(id, envelope: envelope, due: dueNow)
            self.finished(id, retry: retry)
        }
        return later
    }

    /// The entry's envelope and states: from memory for a message just committed, else read.
    private func load(_ id: QueueID) async -> (Envelope, [RecipientState])? {
        if let recent = spool.recentEntry(id) { return recent }
        do {
            return try await pool.runIfActive { [spool] in (try spool.envelope(id), try spool.states(id)) }
        } catch SpoolError.notFound {
            logger.info("\(id): no longer queued (delivered or deleted meanwhile)")
            return nil
        } catch {
            logger.error("\(id): cannot read queue entry: \(error)")
            return nil
        }
    }

    private func isInFlight(_ id: QueueID) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return inFlight.contains(id)
    }

    private func inFlightCount() -> Int {
        lock.lock(); defer { lock.unlock() }
        return inFlight.count
    }

    private func finished(_ id: QueueID, retry: Date?) {
        lock.lock()
        inFlight.remove(id)
        if let retry { earliestHint = min(earliestHint ?? retry, retry) }
        lock.unlock()
        wakeup.signal()
    }

    func takeDeleteRequest(_ id: QueueID) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return deleteRequested.remove(id) != nil
    }
}

/// Which recipients of a message are due now, and when the others are.
enum DuePlanner {
    static func plan(states: [RecipientState], now: Date, everythingDue: Bool) -> (due: [Int], later: Date?) {
        var due: [Int] = []
        var later: Date?
        for (i, s) in states.enumerated() {
            switch s.status {
            case .pending:
                due.append(i)
            case .deferred:
                if everythingDue || (s.nextAttempt ?? now) <= now {
                    due.append(i)
                } else if let next = s.nextAttempt {
                    later = min(later ?? next, next)
                }
            case .held, .delivered, .bounced:
                break
            }
        }
        return (due, later)
    }
}
