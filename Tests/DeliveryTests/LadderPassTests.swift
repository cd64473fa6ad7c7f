// Tests for LadderPass: one message's recipients each climbing their ladder in one pass, against
// a scripted next hop (per domain: TLS met, no STARTTLS, host down) and scripted keys and portal.

import Foundation
import Logging
import MailCore
import NIOPosix
import TestSupport
import XCTest
@testable import Delivery

final class LadderPassTests: XCTestCase {
    static let trace = DecisionTrace(rule: "10-phi.yaml:3 phi", findingCounts: ["ssn": 1], uninspectedParts: 0, score: 1)
    static let verified = TLSFacts(version: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: 256, algorithmBits: 256,
                                   verification: .verified(trust: .pkix))
    static let requirement = TLSRequirement(encrypted: true, authenticatedBy: [.pkix], minimumVersion: .tls1_2)

    var pool: NIOThreadPool!

    override func setUp() {
        pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
    }

    override func tearDown() {
        try? pool.syncShutdownGracefully()
    }

    // MARK: - scripted collaborators

    /// Records every send; answers per recipient domain: `tls.test` delivers over verified TLS,
    /// `plain.test` offers no STARTTLS (a shortfall), `down.test` refuses the connection.
    final class Hop: @unchecked Sendable {
        struct Call: Equatable { var due: [Int]; var message: [UInt8]; var transport: MethodChoice.TransportFloor }
        private let lock = NSLock()
        private var recorded: [Call] = []
        var calls: [Call] { lock.lock(); defer { lock.unlock() }; return recorded }
        /// Domains that offer no STARTTLS even to encrypted copies' sends.
        var plainForCopies = false

        func send(_ envelope: Envelope, _ due: [Int], _ message: [UInt8], _ transport: MethodChoice.TransportFloor) -> [AttemptReport] {
            lock.lock(); recorded.append(Call(due: due, message: message, transport: transport)); lock.unlock()
            var byDomain: [String: [Int]] = [:]
            for i in due { byDomain[envelope.recipients[i].address.domain.description, default: []].append(i) }
            return byDomain.keys.sorted().map { domain in
                let specs = byDomain[domain]!.map { ($0, envelope.recipients[$0]) }
                switch domain {
                case "tls.test":
                    return report(domain, ip: "127.0.0.2", tls: LadderPassTests.verified, specs, .delivered, EnhancedStatus(2, 0, 0))
                case "plain.test" where transport == .policy || plainForCopies:
                    // Copies' sends answer 4.7.5, so a test can tell whose status an end carries.
                    var r = report(domain, ip: "127.0.0.3", tls: nil, specs, .deferred,
                                   EnhancedStatus(4, 7, transport == .policy ? 4 : 5))
                    r.tlsShortfall = TLSOutcome(host: "mx.plain.test", requirement: LadderPassTests.requirement, measured: .noSTARTTLS)
                    return r
                case "plain.test":
                    return report(domain, ip: "127.0.0.3", tls: nil, specs, .delivered, EnhancedStatus(2, 0, 0))
                default:
                    return report(domain, ip: nil, tls: nil, specs, .deferred, EnhancedStatus(4, 4, 1))
                }
            }
        }

        private func report(_ domain: String, ip: String?, tls: TLSFacts?, _ specs: [(Int, RecipientSpec)], _ outcome: Outcome,
                            _ status: EnhancedStatus) -> AttemptReport {
            AttemptReport(relayHost: "mx.\(domain)", relayIP: ip, relayPort: 25, tls: tls, results: specs.map {
                RecipientResult(index: $0.0, recipient: $0.1, outcome: outcome, reply: nil, status: status, reason: "scripted \(domain)")
            })
        }
    }

    /// Keys by address and method; `broken@…` addresses have a key whose encryption fails.
    struct Keys: RecipientEncryption {
        var keys: [String: [DeliveryMethod: KeyAvailability]]

        func availability(of recipient: MailAddress, method: DeliveryMethod, now: Date) -> KeyAvailability {
            keys[recipient.description]?[method] ?? .missing
        }

        func encrypt(_ message: [UInt8], for recipient: MailAddress, method: DeliveryMethod, sender: MailAddress?,
                     protection: SubjectProtection, now: Date) throws -> EncryptedCopy {
            if recipient.localPart.hasPrefix("broken") { throw KeyError(reason: "certificate file unreadable") }
            let header = protection.protectSubject ? "Subject: \(protection.outerSubject)\r\n" : ""
            return EncryptedCopy(message: Array("\(header)ENCRYPTED \(method.rawValue) FOR \(recipient)\r\n".utf8),
                                 keyID: "key-\(recipient.localPart)", cipher: "aes-256-cbc")
        }
    }

    struct KeyError: Error, CustomStringConvertible { var reason: String; var description: String { reason } }

    final class Portal: PortalSink, @unchecked Sendable {
        private let lock = NSLock()
        private var handed: [Int] = []
        var indexes: [Int] { lock.lock(); defer { lock.unlock() }; return handed }
        var failing = false
        func hand(envelope: Envelope, recipientIndex: Int, message: [UInt8]) async throws -> String {
            if failing { throw KeyError(reason: "portal store full") }
            lock.withLock { handed.append(recipientIndex) }
            return "stored as P\(recipientIndex)"
        }
    }

    // MARK: - running a pass

    func envelope(_ recipients: [(String, Decision?)]) -> Envelope {
        var env = Fixtures.envelope(sender: "alice@example.org", recipients: recipients.map { RecipientSpec(address: Fixtures.addr($0.0)) })
        if recipients.contains(where: { $0.1 != nil }) {
            env.decisions = recipients.map { $0.1 ?? Decision(trace: Self.trace) }
        }
        return env
    }

    static func phi(methods: [DeliveryMethod] = [.smime, .pgp, .tls, .portal], otherwise: FallbackAction = .portal,
                    protect: Bool = true) -> Decision {
        Decision(tlsLevel: .verify, minimumTLSVersion: .tls1_2, methods: methods, fallback: otherwise, protectSubject: protect,
                 trace: trace)
    }

    func run(_ env: Envelope, hop: Hop, keys: Keys?, portal: Portal?) async -> [AttemptReport] {
        let pass = LadderPass(envelope: env, message: Fixtures.message, services: MethodServices(encryption: keys, portal: portal),
                              pool: pool, clock: TestClock(), logger: Logger(label: "test"), maxParallelCopies: 2,
                              send: { due, message, transport in hop.send(env, due, message, transport) })
        return await pass.run(due: Array(env.recipients.indices))
    }

    /// The deciding result per recipient index.
    func deciding(_ reports: [AttemptReport]) -> [Int: RecipientResult] {
        var out: [Int: RecipientResult] = [:]
        for report in reports where !report.superseded {
            for result in report.results {
                XCTAssertNil(out[result.index], "recipient \(result.index) decided twice")
                out[result.index] = result
            }
        }
        return out
    }

    // MARK: - tests

    func testFiveRecipientsLeaveFiveWays() async {
        let env = envelope([("s@tls.test", Self.phi()), ("p@plain.test", Self.phi()), ("t@tls.test", Self.phi()),
                            ("portal@plain.test", Self.phi()), ("strict@plain.test", Self.phi(methods: [.tls], otherwise: .defer))])
        let keys = Keys(keys: ["s@tls.test": [.smime: .available(keyID: "sha256:aa")],
                               "p@plain.test": [.pgp: .available(keyID: "0xBB")]])
        let hop = Hop(), portal = Portal()
        let d = deciding(await run(env, hop: hop, keys: keys, portal: portal))

        XCTAssertEqual(d[0]?.outcome, .delivered)
        XCTAssertEqual(d[0]?.choice?.line, "method=smime")
        XCTAssertEqual(d[0]?.encryption?.keyID, "key-s")
        XCTAssertEqual(d[1]?.outcome, .delivered, "a PGP copy goes at the destination's level even where TLS falls short")
        XCTAssertEqual(d[1]?.choice?.line, "method=pgp; skipped: smime: no certificate on file")
        XCTAssertEqual(d[2]?.outcome, .delivered)
        XCTAssertEqual(d[2]?.choice?.line, "method=tls; skipped: smime: no certificate on file; pgp: no key on file")
        XCTAssertEqual(d[1]?.encryption?.keyID, "key-p")
        XCTAssertEqual(d[3]?.outcome, .delivered)
        XCTAssertEqual(d[3]?.reason, "stored as P3", "the sink's receipt is the result")
        XCTAssertEqual(d[3]?.choice?.method, .portal)
        XCTAssertEqual(d[3]?.choice?.skips.map(\.code), ["no-key", "no-key", "no-starttls"])
        XCTAssertEqual(d[4]?.outcome, .deferred)
        XCTAssertEqual(d[4]?.status, EnhancedStatus(4, 7, 4))
        XCTAssertEqual(d[4]?.choice?.line, "method=none; outcome=deferred (otherwise: defer); skipped: tls: mx.plain.test offered no STARTTLS")
        XCTAssertEqual(portal.indexes, [3])

        // Each encrypted copy is its own send at the destination level; the plain message went only to TLS recipients.
        let copies = hop.calls.filter { $0.transport == .destinationLevel }
        XCTAssertEqual(copies.map(\.due).sorted { $0[0] < $1[0] }, [[0], [1]])
        XCTAssertTrue(copies.allSatisfy { String(decoding: $0.message, as: UTF8.self).contains("ENCRYPTED") })
        let plain = hop.calls.filter { $0.transport == .policy }
        XCTAssertEqual(plain.map(\.due), [[2, 3, 4]])
        XCTAssertTrue(plain.allSatisfy { $0.message == Fixtures.message })
    }

    func testTheShortfallAttemptIsKeptAsSuperseded() async {
        let env = envelope([("portal@plain.test", Self.phi())])
        let reports = await run(env, hop: Hop(), keys: Keys(keys: [:]), portal: Portal())
        let superseded = reports.filter(\.superseded)
        XCTAssertEqual(superseded.count, 1)
        XCTAssertEqual(superseded.first?.relayHost, "mx.plain.test")
        XCTAssertNil(superseded.first?.results.first?.choice, "the superseded TLS attempt names no method")
        XCTAssertEqual(deciding(reports)[0]?.choice?.method, .portal)
    }

    func testEncryptionFailureMovesOnInTheSamePassAndSendsNoPlaintext() async {
        let env = envelope([("broken@plain.test", Self.phi(methods: [.smime, .portal], otherwise: .defer))])
        let keys = Keys(keys: ["broken@plain.test": [.smime: .available(keyID: "sha256:cc")]])
        let hop = Hop(), portal = Portal()
        let d = deciding(await run(env, hop: hop, keys: keys, portal: portal))
        XCTAssertEqual(d[0]?.choice?.method, .portal)
        XCTAssertEqual(d[0]?.choice?.skips.first?.code, "encrypt-failed")
        XCTAssertEqual(d[0]?.choice?.skips.first?.description, "smime: encryption failed (certificate file unreadable)")
        XCTAssertEqual(hop.calls, [], "nothing was sent to the recipient's MX")
        XCTAssertEqual(portal.indexes, [0])
    }

    func testEncryptionFailureWithNoRungLeftDefersAndSendsNothing() async {
        let env = envelope([("broken@tls.test", Self.phi(methods: [.smime], otherwise: .defer))])
        let keys = Keys(keys: ["broken@tls.test": [.smime: .available(keyID: "sha256:cc")]])
        let hop = Hop()
        let d = deciding(await run(env, hop: hop, keys: keys, portal: nil))
        XCTAssertEqual(d[0]?.outcome, .deferred)
        XCTAssertEqual(d[0]?.reason, "no allowed delivery method: smime: encryption failed (certificate file unreadable)")
        XCTAssertEqual(hop.calls, [])
    }

    func testAHostThatIsDownDefersWithoutClimbing() async {
        let env = envelope([("r@down.test", Self.phi())])
        let portal = Portal()
        let d = deciding(await run(env, hop: Hop(), keys: Keys(keys: [:]), portal: portal))
        XCTAssertEqual(d[0]?.outcome, .deferred)
        XCTAssertEqual(d[0]?.status, EnhancedStatus(4, 4, 1))
        XCTAssertEqual(d[0]?.choice?.method, .tls, "still at the tls rung: nothing was measured")
        XCTAssertEqual(portal.indexes, [])
    }

    func testAKeyRungAfterTLSIsTriedOnceTLSFallsShort() async {
        let env = envelope([("p@plain.test", Self.phi(methods: [.tls, .pgp], otherwise: .defer))])
        let keys = Keys(keys: ["p@plain.test": [.pgp: .available(keyID: "0xBB")]])
        let hop = Hop()
        let d = deciding(await run(env, hop: hop, keys: keys, portal: nil))
        XCTAssertEqual(d[0]?.outcome, .delivered)
        XCTAssertEqual(d[0]?.choice?.line, "method=pgp; skipped: tls: mx.plain.test offered no STARTTLS")
        XCTAssertEqual(hop.calls.map(\.transport), [.policy, .destinationLevel])
    }

    func testAnEncryptedCopyBelowTheDestinationLevelIsNotSentAndTheNextRungIsTried() async {
        let env = envelope([("p@plain.test", Self.phi(methods: [.pgp, .portal]))])
        let keys = Keys(keys: ["p@plain.test": [.pgp: .available(keyID: "0xBB")]])
        let hop = Hop(); hop.plainForCopies = true
        let portal = Portal()
        let reports = await run(env, hop: hop, keys: keys, portal: portal)
        let d = deciding(reports)
        XCTAssertEqual(d[0]?.outcome, .delivered)
        XCTAssertEqual(d[0]?.choice?.method, .portal)
        XCTAssertEqual(d[0]?.choice?.skips.first?.code, "copy-hop-unmet")
        XCTAssertEqual(d[0]?.choice?.skips.first?.description,
                       "pgp: encrypted copy not sent, its hop is below the destination's level (tls: mx.plain.test offered no STARTTLS)")
        XCTAssertEqual(portal.indexes, [0])
        XCTAssertEqual(reports.filter(\.superseded).map(\.relayHost), ["mx.plain.test"], "the copy's attempt is kept as superseded")
    }

    func testAnOtherwiseEndAfterACopyFellShortCarriesThatHostsStatus() async {
        let env = envelope([("p@plain.test", Self.phi(methods: [.pgp], otherwise: .bounce))])
        let hop = Hop(); hop.plainForCopies = true
        let d = deciding(await run(env, hop: hop, keys: Keys(keys: ["p@plain.test": [.pgp: .available(keyID: "0xBB")]]), portal: nil))
        XCTAssertEqual(d[0]?.outcome, .bounced)
        XCTAssertEqual(d[0]?.status, EnhancedStatus(5, 7, 5))
        XCTAssertEqual(d[0]?.choice?.skips.map(\.code), ["copy-hop-unmet"])
    }

    func testWithoutHeaderProtectionTheCopyKeepsPolicysFloor() async {
        // protect_subject off: the outer Subject would cross in the clear, so policy's floor applies to the copy.
        let env = envelope([("s@tls.test", Self.phi(protect: false)), ("p@plain.test", Self.phi(methods: [.pgp, .portal], protect: false))])
        let keys = Keys(keys: ["s@tls.test": [.smime: .available(keyID: "k")], "p@plain.test": [.pgp: .available(keyID: "0xBB")]])
        let hop = Hop(), portal = Portal()
        let d = deciding(await run(env, hop: hop, keys: keys, portal: portal))
        XCTAssertEqual(hop.calls.map(\.transport), [.policy, .policy])
        XCTAssertEqual(d[0]?.choice?.method, .smime)
        XCTAssertEqual(d[0]?.outcome, .delivered)
        XCTAssertEqual(d[1]?.choice?.method, .portal, "a plain hop under policy's floor: the copy is not sent")
        XCTAssertEqual(portal.indexes, [1])
    }

    func testOneRecipientMovesOnWhileAnotherOfTheSameReportStays() async {
        // One transaction for two recipients at one domain; only the first has a decision (a ladder).
        var env = envelope([("a@plain.test", Self.phi()), ("b@plain.test", nil)])
        env.decisions = [Self.phi()]
        let reports = await run(env, hop: Hop(), keys: nil, portal: Portal())
        let d = deciding(reports)
        XCTAssertEqual(d.keys.sorted(), [0, 1], "both recipients have exactly one deciding result")
        XCTAssertEqual(d[0]?.choice?.method, .portal)
        XCTAssertEqual(d[1]?.outcome, .deferred, "no ladder: the TLS attempt decides")
        XCTAssertEqual(d[1]?.status, EnhancedStatus(4, 7, 4))
        XCTAssertEqual(reports.filter(\.superseded).flatMap { $0.results.map(\.index) }, [0], "only the one moving on is superseded")
    }

    /// The window (maxParallelCopies 2) starts the next copy as each one ends: all six are made and
    /// sent, none twice. (How many run at once is not measured here: that would be timing.)
    func testSixCopiesThroughATwoWideWindowAllLeaveOnce() async {
        let recipients = (0..<6).map { ("r\($0)@tls.test", Optional(Self.phi())) }
        let env = envelope(recipients)
        let keys = Keys(keys: Dictionary(uniqueKeysWithValues: recipients.map { ($0.0, [DeliveryMethod.smime: KeyAvailability.available(keyID: "k")]) }))
        let hop = Hop()
        let d = deciding(await run(env, hop: hop, keys: keys, portal: nil))
        XCTAssertEqual(d.values.filter { $0.outcome == .delivered }.count, 6)
        XCTAssertEqual(hop.calls.count, 6, "every copy sent once")
        XCTAssertEqual(hop.calls.map(\.due).flatMap { $0 }.sorted(), Array(0..<6))
        XCTAssertEqual(Set(d.values.compactMap(\.encryption?.keyID)).count, 6)
    }

    func testOtherwiseBounceBouncesWithThePermanentFormOfTheTLSStatus() async {
        let env = envelope([("r@plain.test", Self.phi(methods: [.tls], otherwise: .bounce))])
        let d = deciding(await run(env, hop: Hop(), keys: nil, portal: nil))
        XCTAssertEqual(d[0]?.outcome, .bounced)
        XCTAssertEqual(d[0]?.status, EnhancedStatus(5, 7, 4))
        XCTAssertEqual(d[0]?.reason, "no allowed delivery method: tls: mx.plain.test offered no STARTTLS")
    }

    func testPortalNotConfiguredDefers() async {
        let env = envelope([("r@plain.test", Self.phi())])
        let d = deciding(await run(env, hop: Hop(), keys: nil, portal: nil))
        XCTAssertEqual(d[0]?.outcome, .deferred)
        XCTAssertEqual(d[0]?.choice?.skips.last, .portalNotConfigured)
    }

    func testAPortalErrorDefersAndDoesNotMoveOn() async {
        let env = envelope([("r@plain.test", Self.phi(methods: [.tls, .portal], otherwise: .bounce))])
        let portal = Portal(); portal.failing = true
        let d = deciding(await run(env, hop: Hop(), keys: nil, portal: portal))
        XCTAssertEqual(d[0]?.outcome, .deferred)
        XCTAssertEqual(d[0]?.reason, "portal: portal store full")
    }

    func testMailWithoutDecisionsGoesByTLSAloneWithNoChoice() async {
        let env = envelope([("r@plain.test", nil), ("s@tls.test", nil)])
        let portal = Portal()
        let reports = await run(env, hop: Hop(), keys: Keys(keys: ["r@plain.test": [.smime: .available(keyID: "x")]]), portal: portal)
        let d = deciding(reports)
        XCTAssertEqual(d[0]?.outcome, .deferred)
        XCTAssertEqual(d[0]?.status, EnhancedStatus(4, 7, 4))
        XCTAssertNil(d[0]?.choice)
        XCTAssertEqual(d[1]?.outcome, .delivered)
        XCTAssertEqual(portal.indexes, [])
        XCTAssertTrue(reports.allSatisfy { !$0.superseded })
    }

    func testHeaderProtectionIsAskedForAsTheDecisionSays() async {
        let env = envelope([("s@tls.test", Self.phi(protect: true))])
        let hop = Hop()
        _ = await run(env, hop: hop, keys: Keys(keys: ["s@tls.test": [.smime: .available(keyID: "k")]]), portal: nil)
        XCTAssertEqual(hop.calls.count, 1)
        XCTAssertTrue(String(decoding: hop.calls[0].message, as: UTF8.self).hasPrefix("Subject: [encrypted message]\r\n"))
    }
}
