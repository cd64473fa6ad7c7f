// Sign-ins that arrive together: a password still being hashed counts toward the lockout, so a burst can
// check no more passwords than `lockout.failures`; the password pool refuses work beyond its queue.

import Foundation
import MailCore
import Portal
import XCTest

final class PickupConcurrentSignInTests: PortalPickupTestCase {
    static let password = "a long passphrase"

    func testABurstOfWrongPasswordsChecksNoMoreThanTheLockoutAllows() async throws {
        let session = try await readingSession(try depositMessage())
        try await pickup.setPassword(session, password: Self.password, confirm: Self.password, client: Self.client)
        let held = HeldExecutor()
        pickup = makePickup(passwordExecutor: held)
        store.calls.removeAll()
        let pickup = self.pickup!
        let burst = 12
        let answered = Recorded<PortalPickupError?>()
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<burst {
                group.addTask {
                    do {
                        _ = try await pickup.login(address: "patient@example.org", password: "guess \(n)",
                                                   client: "192.0.2.\(n + 20)")
                        answered.append(nil)
                    } catch { answered.append(error as? PortalPickupError) }
                }
            }
            // Five (the lockout's failures) are hashing; every other attempt is answered at once.
            for _ in 0..<5000 where answered.all.count < burst - 5 { try? await Task.sleep(nanoseconds: 1_000_000) }
            XCTAssertEqual(answered.all.count, burst - 5, "answered while five hash")
            XCTAssertEqual(held.heldCount, 5, "hashes running at once")
            held.releaseAll()
            // Anything held late (the check above failed) is let go too, so the test ends.
            for _ in 0..<50 { held.releaseAll(); try? await Task.sleep(nanoseconds: 1_000_000) }
        }
        let outcomes = answered.all
        XCTAssertEqual(outcomes.filter { $0 == .rateLimited }.count, burst - 5, "\(outcomes)")
        XCTAssertEqual(outcomes.filter { $0 == .wrongPassword }.count, 4, "\(outcomes)")
        XCTAssertEqual(outcomes.filter { if case .lockedOut = $0 { return true } else { return false } }.count, 1, "\(outcomes)")
        XCTAssertEqual(store.calls.all.filter { $0 == "unlock" }.count, 5, "passwords checked")
        XCTAssertEqual(audit.of(.lockout).count, 1)
        // Locked now, the right password is not even hashed.
        await assertPickupError(.lockedOut(until: clock.now().addingTimeInterval(3600))) {
            try await pickup.login(address: "patient@example.org", password: Self.password, client: "192.0.2.99")
        }
        XCTAssertEqual(store.calls.all.filter { $0 == "unlock" }.count, 5)
    }

    func testTheRightPasswordStillSignsInWhileOtherAttemptsHash() async throws {
        let session = try await readingSession(try depositMessage())
        try await pickup.setPassword(session, password: Self.password, confirm: Self.password, client: Self.client)
        for _ in 0..<3 {
            await assertPickupError(.wrongPassword) {
                try await pickup.login(address: "patient@example.org", password: "nope nope", client: Self.client)
            }
        }
        // Three failures and one pending: one more attempt may start, a sixth may not.
        let held = HeldExecutor()
        let busy = makePickup(passwordExecutor: held, limiter: pickup.limiter)
        let signIn = Task { try await busy.login(address: "patient@example.org", password: Self.password, client: Self.otherClient) }
        let started = await held.waitUntilHolding(1)
        XCTAssertTrue(started)
        let pickupOther = Task { try await busy.login(address: "patient@example.org", password: "x", client: "192.0.2.77") }
        let waited = await held.waitUntilHolding(2)
        XCTAssertTrue(waited)
        let sixth = Recorded<PortalPickupError?>()
        let sixthAttempt = Task {
            do {
                _ = try await busy.login(address: "patient@example.org", password: "y", client: "192.0.2.78")
                sixth.append(nil)
            } catch { sixth.append(error as? PortalPickupError) }
        }
        for _ in 0..<5000 where sixth.all.isEmpty { try? await Task.sleep(nanoseconds: 1_000_000) }
        XCTAssertEqual(sixth.all, [.rateLimited], "answered at once, without a hash")
        held.releaseAll()
        for _ in 0..<50 { held.releaseAll(); try? await Task.sleep(nanoseconds: 1_000_000) }
        await sixthAttempt.value
        let signedIn = try await signIn.value
        await eq(await busy.state(of: signedIn), .inbox(patient))
        do {
            _ = try await pickupOther.value
            XCTFail("a wrong password signed in")
        } catch {
            XCTAssertNotNil(error as? PortalPickupError)
        }
    }

    func testAResetRefusedByAFullPasswordPoolKeepsItsCode() async throws {
        let session = try await readingSession(try depositMessage())
        try await pickup.setPassword(session, password: Self.password, confirm: Self.password, client: Self.client)
        let held = HeldExecutor()
        let full = PortalPasswordExecutor(base: held, maxInFlight: 1)
        let busy = makePickup(passwordExecutor: full, limiter: pickup.limiter)
        let reset = try await busy.requestReset(address: "patient@example.org", client: Self.client)
        let code = try XCTUnwrap(composer.lastCode)
        // Another hash holds the pool's one place.
        let occupant = Task { try await full.run { 0 } }
        let holding = await held.waitUntilHolding(1)
        XCTAssertTrue(holding)
        await assertPickupError(.rateLimited) {
            try await busy.completeReset(reset, code: code, password: "new passphrase", confirm: "new passphrase", client: Self.client)
        }
        held.releaseAll()
        _ = try await occupant.value
        // No verdict was reached: the same code still completes the reset.
        let done = Task {
            try await busy.completeReset(reset, code: code, password: "new passphrase", confirm: "new passphrase", client: Self.client)
        }
        for _ in 0..<5000 where held.heldCount == 0 { try? await Task.sleep(nanoseconds: 1_000_000) }
        held.releaseAll()
        try await done.value
        await eq(await busy.state(of: reset), .inbox(patient))
    }

    func testThePasswordExecutorRefusesBeyondItsQueueAndFreesItsPlaces() async throws {
        let held = HeldExecutor()
        let executor = PortalPasswordExecutor(base: held, maxInFlight: 2)
        let first = Task { try await executor.run { 1 } }
        let second = Task { try await executor.run { 2 } }
        let holding = await held.waitUntilHolding(2)
        XCTAssertTrue(holding)
        XCTAssertEqual(executor.pending, 2)
        do {
            _ = try await executor.run { 3 }
            XCTFail("a third job was admitted")
        } catch {
            XCTAssertEqual(error as? PortalPickupError, .rateLimited)
        }
        held.releaseAll()
        let results = try await [first.value, second.value]
        XCTAssertEqual(results, [1, 2])
        XCTAssertEqual(executor.pending, 0)
        let failing = Task { try await executor.run { () throws -> Int in throw PortalStoreError.denied } }
        _ = await held.waitUntilHolding(1)
        held.releaseAll()
        _ = try? await failing.value
        XCTAssertEqual(executor.pending, 0, "a job that throws frees its place too")
    }
}
