// AuthThrottle: five failures from one client within the window lock that client out (454 without
// its password being checked), other clients are unaffected, a success clears the count, failures
// older than the window do not add up, and the lockout ends on time.
import Foundation
import Logging
import MailCore
import SMTPProtocol
import SMTPServer
import TestSupport
import XCTest
@testable import Gateway

final class AuthThrottleTests: XCTestCase {
    /// alice / right; counts how many passwords it was asked to check.
    final class Counting: Authenticator, @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        var checks: Int { lock.withLock { n } }
        func verify(username: String, password: String, client: String) async -> AuthResult {
            lock.withLock { n += 1 }
            return username == "alice" && password == "right" ? .success(user: "alice", allowedSenders: []) : .failure
        }
    }

    private let clock = TestClock()
    private let base = Counting()
    private lazy var throttle = AuthThrottle(base: base, limits: .init(failures: 5, window: 600, lockout: 900),
                                             clock: clock, logger: Logger(label: "test"))

    private func isTemporary(_ r: AuthResult) -> Bool { if case .temporaryFailure = r { return true }; return false }
    private func isSuccess(_ r: AuthResult) -> Bool { if case .success = r { return true }; return false }

    func testFiveFailuresLockTheClientOutWithoutCheckingItsPasswordAndOthersStillLogIn() async {
        for _ in 0..<5 { _ = await throttle.verify(username: "alice", password: "guess", client: "192.0.2.1") }
        XCTAssertEqual(base.checks, 5)
        let locked = await throttle.verify(username: "alice", password: "right", client: "192.0.2.1")
        XCTAssertTrue(isTemporary(locked), "the right password during a lockout is still refused: \(locked)")
        XCTAssertEqual(base.checks, 5, "a locked-out client's password is never checked")
        let other = await throttle.verify(username: "alice", password: "right", client: "192.0.2.2")
        XCTAssertTrue(isSuccess(other))
        clock.advance(by: 901)
        let later = await throttle.verify(username: "alice", password: "right", client: "192.0.2.1")
        XCTAssertTrue(isSuccess(later), "the lockout ends after limits.auth_lockout")
    }

    func testASuccessClearsTheCountAndOldFailuresDoNotAddUp() async {
        for _ in 0..<4 { _ = await throttle.verify(username: "alice", password: "guess", client: "192.0.2.3") }
        let success = await throttle.verify(username: "alice", password: "right", client: "192.0.2.3")
        XCTAssertTrue(isSuccess(success))
        for _ in 0..<4 { _ = await throttle.verify(username: "alice", password: "guess", client: "192.0.2.3") }
        XCTAssertNil(throttle.lockedUntil("192.0.2.3"), "the success reset the count")
        clock.advance(by: 601)
        _ = await throttle.verify(username: "alice", password: "guess", client: "192.0.2.3")
        XCTAssertNil(throttle.lockedUntil("192.0.2.3"), "failures older than the window do not count")
        for _ in 0..<4 { _ = await throttle.verify(username: "bob", password: "x", client: "192.0.2.3") }
        XCTAssertNotNil(throttle.lockedUntil("192.0.2.3"), "five within the window, whatever the user name")
    }

    func testTheLimitsAreReadFromTheConfig() throws {
        let dir = try ConfigFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try ConfigFixtures.config(ConfigFixtures.minimal + "limits: {auth_failures: 3, auth_window: 2m, auth_lockout: 1h}\n", in: dir)
        XCTAssertEqual(config.authThrottle, AuthThrottle.Limits(failures: 3, window: 120, lockout: 3600))
        XCTAssertEqual(try ConfigFixtures.config(ConfigFixtures.minimal, in: dir).authThrottle, AuthThrottle.Limits())
        let bad = ConfigFixtures.diagnostics(ConfigFixtures.minimal + "limits: {auth_failures: 0}\n", in: dir)
        XCTAssertTrue(bad.contains { $0.contains("limits.auth_failures") }, bad.joined(separator: "\n"))
    }
}
