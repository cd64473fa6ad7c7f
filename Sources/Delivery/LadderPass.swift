// LadderPass: one delivery pass over a message's due recipients, each climbing its method ladder:
// a key rung encrypts a copy of its own, `tls` is measured on the hop, the portal takes a copy, `otherwise` ends it.

import Foundation
import Logging
import MailCore
import NIOPosix

/// A recipient moves to its next rung in the same pass when its rung fails (no key, encryption
/// failed, the hop fell short of the TLS requirement); the pass ends when every recipient has a result.
struct LadderPass: Sendable {
    /// Sends `message` to the recipients `due` (MX or smarthost) under `transport`'s TLS floor.
    typealias Send = @Sendable (_ due: [Int], _ message: [UInt8], _ transport: MethodChoice.TransportFloor) async -> [AttemptReport]

    let envelope: Envelope
    let message: [UInt8]
    let services: MethodServices
    /// Key lookups and encryption (file reads, CPU) run here, never on an event loop.
    let pool: NIOThreadPool
    let clock: WallClock
    let logger: Logger
    /// Encrypted copies of one message made and sent at once (each is its own session).
    let maxParallelCopies: Int
    let send: Send

    /// Every attempt, in order; the recipients' states come from the reports not `superseded`.
    func run(due: [Int]) async -> [AttemptReport] {
        var state = LadderState(plans: await plans(for: due))
        var reports: [AttemptReport] = []
        var waiting = due
        // Each round moves every waiting recipient at least one rung up: bounded by the rungs.
        for _ in 0..<(DeliveryMethod.allCases.count + 2) where !waiting.isEmpty {
            let current = state
            let step = LadderStep.sort(waiting, state: current)
            waiting = []
            reports += step.ended.map { LadderResults.ended(envelope: envelope, index: $0.index, choice: $0.choice,
                                                              tls: current.lastTLS[$0.index]) }
            async let portal = hand(step.portal)
            async let tls = measured(step.tls, state: current)
            async let encrypted = encryptAndSend(step.keyed)
            let (fromTLS, fromKeys) = (await tls, await encrypted)
            reports += await portal
            reports += fromTLS.reports + fromKeys.reports
            for (index, outcome, result) in fromTLS.movedOn {
                state.measured[index] = outcome
                state.lastTLS[index] = result
                waiting.append(index)
            }
            for (index, method, skip, fellShort) in fromKeys.failed {
                state.plans[index] = state.plans[index]?.skipping(method, because: skip)
                // The copy's host that fell short gives an `otherwise` end its status detail.
                if let fellShort { state.lastTLS[index] = fellShort }
                waiting.append(index)
            }
        }
        // Unreachable while each round moves every recipient a rung up; never leave one without a result.
        reports += waiting.map { index in
            LadderResults.ended(envelope: envelope, index: index, choice: MethodChoice(outcome: .deferred, fallback: .defer),
                                tls: state.lastTLS[index])
        }
        return reports
    }

    /// Each recipient's ladder; recipients without a policy decision (the gateway's own notices)
    /// have none and go by TLS alone, as the destination's level says.
    private func plans(for due: [Int]) async -> [Int: LadderPlan] {
        let withDecision = due.filter { envelope.decision(at: $0) != nil }
        guard !withDecision.isEmpty else { return [:] }
        let keys = await availability(for: withDecision)
        var plans: [Int: LadderPlan] = [:]
        for index in withDecision {
            guard let decision = envelope.decision(at: index) else { continue }
            plans[index] = MethodLadder.plan(decision: decision, keys: { keys[index]?[$0] ?? .missing },
                                             portalConfigured: services.portal != nil)
        }
        return plans
    }

    /// The key store's answers for S/MIME and PGP, read on the pool. No key store: no keys.
    private func availability(for due: [Int]) async -> [Int: [DeliveryMethod: KeyAvailability]] {
        guard let encryption = services.encryption else { return [:] }
        let now = clock.now()
        let recipients = due.map { ($0, envelope.recipients[$0].address) }
        do {
            return try await pool.runIfActive {
                var out: [Int: [DeliveryMethod: KeyAvailability]] = [:]
                for (index, address) in recipients {
                    for method in MethodLadder.keyMethods {
                        out[index, default: [:]][method] = encryption.availability(of: address, method: method, now: now)
                    }
                }
                return out
            }
        } catch {
            let why = KeyAvailability.unusable(reason: "key store not read: \(error)")
            return Dictionary(uniqueKeysWithValues: due.map { ($0, [.smime: why, .pgp: why]) })
        }
    }

    // MARK: - the rungs

    /// `tls`: one send for all (grouped by hop and floor inside); recipients whose every hop fell
    /// short of the requirement move on, their attempts kept as superseded.
    private func measured(_ due: [Int], state: LadderState) async
        -> (reports: [AttemptReport], movedOn: [(Int, TLSOutcome, RecipientResult)]) {
        guard !due.isEmpty else { return ([], []) }
        let reports = await send(due, message, .policy)
        var movedOn: [(Int, TLSOutcome, RecipientResult)] = []
        for index in due {
            guard state.plans[index] != nil, let (outcome, deciding) = LadderResults.shortfall(of: index, in: reports) else { continue }
            movedOn.append((index, outcome, deciding))
        }
        let moving = Set(movedOn.map(\.0))
        let annotated = LadderResults.supersede(reports, moving: moving).map { report in
            LadderResults.annotate(report) { index in moving.contains(index) ? nil : state.plans[index]?.onTLSMet }
        }
        return (annotated, movedOn)
    }

    /// `smime`/`pgp`: each recipient's copy encrypted on the pool, then sent at the destination's
    /// level, at most `maxParallelCopies` at once. A failed encryption sends nothing for that
    /// recipient, and a copy whose every hop fell short of the destination's level is not sent:
    /// either way the recipient moves to its next rung.
    private func encryptAndSend(_ keyed: [(index: Int, choice: MethodChoice)]) async
        -> (reports: [AttemptReport], failed: [(Int, DeliveryMethod, RungSkip, RecipientResult?)]) {
        guard !keyed.isEmpty else { return ([], []) }
        return await withTaskGroup(of: (Int, KeyRungResult).self) { tasks in
            var next = 0
            func start() {
                guard next < keyed.count else { return }
                let (n, item) = (next, keyed[next])
                next += 1
                tasks.addTask { (n, await self.encryptAndSend(index: item.index, choice: item.choice)) }
            }
            for _ in 0..<max(1, maxParallelCopies) { start() }
            var byOrder: [Int: KeyRungResult] = [:]
            for await (n, result) in tasks {
                byOrder[n] = result
                start()
            }
            var reports: [AttemptReport] = [], failed: [(Int, DeliveryMethod, RungSkip, RecipientResult?)] = []
            for n in byOrder.keys.sorted() {
                guard let result = byOrder[n] else { continue }
                reports += result.reports
                if let skip = result.skip, let method = keyed[n].choice.method {
                    failed.append((keyed[n].index, method, skip, result.fellShort))
                }
            }
            return (reports, failed)
        }
    }

    /// One key rung's attempts, and the skip when the recipient must move on.
    struct KeyRungResult: Sendable {
        var reports: [AttemptReport]
        var skip: RungSkip?
        /// The result of the copy's host that fell short of TLS, when that is why it moved on.
        var fellShort: RecipientResult? = nil
    }

    private func encryptAndSend(index: Int, choice: MethodChoice) async -> KeyRungResult {
        guard let method = choice.method else { return KeyRungResult(reports: [], skip: nil) }
        guard let encryption = services.encryption else {
            return KeyRungResult(reports: [], skip: .encryptFailed(method, reason: "no key store configured"))
        }
        let recipient = envelope.recipients[index].address
        let protection = SubjectProtection(envelope.decision(at: index))
        let (message, sender, now) = (self.message, envelope.sender, clock.now())
        let copy: EncryptedCopy
        do {
            copy = try await pool.runIfActive {
                try encryption.encrypt(message, for: recipient, method: method, sender: sender, protection: protection, now: now)
            }
        } catch {
            logger.warning("\(envelope.queueID): to=<\(recipient)>: \(method.rawValue) encryption failed (\(error)); trying the next method")
            return KeyRungResult(reports: [], skip: .encryptFailed(method, reason: "\(error)"))
        }
        let facts = EncryptionFacts(method: method, keyID: copy.keyID, cipher: copy.cipher, signedBy: copy.signedBy)
        let reports = await send([index], copy.message, Self.copyTransport(protection))
        if let (shortfall, result) = LadderResults.shortfall(of: index, in: reports) {
            // Never below the destination's level: this copy is not sent, the next rung is tried.
            let reason = shortfall.unmet?.description ?? "\(shortfall.host) fell short"
            return KeyRungResult(reports: LadderResults.supersede(reports, moving: [index]), skip: .copyHopUnmet(method, reason: reason),
                                 fellShort: result)
        }
        return KeyRungResult(reports: reports.map { LadderResults.annotate($0, encryption: facts) { _ in choice } }, skip: nil)
    }

    /// The TLS floor of an encrypted copy: the destination's level alone when the copy protects
    /// its headers too (`protect_subject`); otherwise policy's floor still applies, since the
    /// outer Subject and other headers would cross a weaker hop in the clear.
    static func copyTransport(_ protection: SubjectProtection) -> MethodChoice.TransportFloor {
        protection.protectSubject ? .destinationLevel : .policy
    }

    /// `portal`: the sink stores the copy durably; a sink error defers (the ladder stops there).
    private func hand(_ indexes: [(index: Int, choice: MethodChoice)]) async -> [AttemptReport] {
        guard !indexes.isEmpty else { return [] }
        var reports: [AttemptReport] = []
        for (index, choice) in indexes {
            let outcome: Result<String, PortalHandError>
            if let portal = services.portal {
                do { outcome = .success(try await portal.hand(envelope: envelope, recipientIndex: index, message: message)) }
                catch { outcome = .failure(PortalHandError(reason: "\(error)")) }
            } else {
                outcome = .failure(PortalHandError(reason: "not configured"))
            }
            reports.append(LadderResults.portal(envelope: envelope, index: index, choice: choice, outcome: outcome))
        }
        return reports
    }
}

/// What the pass knows about each recipient between rounds.
struct LadderState: Sendable {
    var plans: [Int: LadderPlan]
    /// The TLS outcome that made a recipient leave the `tls` rung.
    var measured: [Int: TLSOutcome] = [:]
    /// The `tls` attempt's deciding result for a recipient that moved on (its status feeds the end).
    var lastTLS: [Int: RecipientResult] = [:]
}

/// One round's recipients, sorted by what their ladder says now.
struct LadderStep {
    var tls: [Int] = []
    var keyed: [(index: Int, choice: MethodChoice)] = []
    var portal: [(index: Int, choice: MethodChoice)] = []
    var ended: [(index: Int, choice: MethodChoice)] = []

    static func sort(_ waiting: [Int], state: LadderState) -> LadderStep {
        var step = LadderStep()
        for index in waiting {
            guard let plan = state.plans[index] else { step.tls.append(index); continue }
            let choice = state.measured[index].map { plan.afterTLS(outcome: $0) } ?? plan.beforeConnect
            switch choice?.outcome {
            case nil: step.tls.append(index)
            case .method(.tls)?:
                // beforeConnect never picks `tls`, and afterTLS never picks an unmet one: kept safe anyway.
                if state.measured[index] == nil { step.tls.append(index) } else { step.ended.append((index, choice!)) }
            case .method(.smime)?, .method(.pgp)?: step.keyed.append((index, choice!))
            case .method(.portal)?: step.portal.append((index, choice!))
            case .deferred?, .bounced?: step.ended.append((index, choice!))
            }
        }
        return step
    }
}

extension Envelope {
    /// Policy's decision for recipient `index`, when the message has decisions.
    func decision(at index: Int) -> Decision? {
        guard let decisions, index < decisions.count else { return nil }
        return decisions[index]
    }
}
