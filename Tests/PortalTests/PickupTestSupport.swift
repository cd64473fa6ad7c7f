// The pickup under test: a real FilePortalStore (counted), the recording fakes, a TestClock, and the
// steps every test repeats (deposit, arrive by link, ask for and enter the code).

import Audit
import Foundation
import Logging
import MailCore
import Portal
import XCTest

class PortalPickupTestCase: PortalTestCase {
    static let client = "192.0.2.10"
    static let otherClient = "198.51.100.20"

    var fileStore: FilePortalStore!
    var store: CountingStore!
    let mailer = RecordingMailer()
    let composer = FakeComposer()
    let audit = RecordingAudit()
    let logLines = Recorded<String>()
    var pickup: PortalPickup!
    var settings: PortalPickupSettings!

    override func setUpWithError() throws {
        try super.setUpWithError()
        fileStore = try makeStore()
        store = CountingStore(fileStore)
        settings = PortalPickupSettings(baseURL: "https://portal.clinic.example/", organisation: "Example Clinic",
                                        noticeFrom: address("portal@clinic.example"))
        pickup = makePickup()
    }

    func makePickup(passwordExecutor: (any PortalBlockingExecutor)? = nil, limiter: PortalAttemptLimiter? = nil,
                    _ change: (inout PortalPickupSettings) -> Void = { _ in }) -> PortalPickup {
        change(&settings)
        let lines = logLines
        return PortalPickup(store: store, executor: InlineExecutor(), mailer: mailer, composer: composer, audit: audit,
                            pepper: pepper, settings: settings, clock: clock,
                            randomness: randomness, limiter: limiter, passwordExecutor: passwordExecutor, logger: Logger(label: "test") { _ in RecordingLogHandler(lines: lines) })
    }

    var admin: PortalAdmin {
        PortalAdmin(store: store, executor: InlineExecutor(), audit: audit, limiter: pickup.limiter, clock: clock)
    }

    /// A deposit straight into the store (as PortalIntake makes it), with the call counter reset after.
    @discardableResult
    func depositMessage(to recipient: MailAddress? = nil, message: [UInt8] = PortalTestCase.message, readReceipt: Bool = false,
                        lifetime: TimeInterval = 30 * 86_400) throws -> PortalDeposit {
        let made = try deposit(fileStore, to: recipient, message: message, lifetime: lifetime, readReceipt: readReceipt)
        store.calls.removeAll()
        return made
    }

    func arrive(_ deposit: PortalDeposit, client: String = PortalPickupTestCase.client) async -> PortalSessionID {
        await pickup.arriveByLink(id: deposit.metadata.id.text, token: deposit.linkToken.linkText, client: client)
    }

    /// Arrives, asks for a code and returns the session with the code that was mailed.
    func codeSession(_ deposit: PortalDeposit, client: String = PortalPickupTestCase.client) async throws
        -> (PortalSessionID, String) {
        let session = await arrive(deposit, client: client)
        _ = try await pickup.requestCode(session, client: client)
        return (session, try XCTUnwrap(composer.lastCode))
    }

    /// A session that entered the right code for `deposit` and may read it.
    func readingSession(_ deposit: PortalDeposit, client: String = PortalPickupTestCase.client) async throws -> PortalSessionID {
        let (session, code) = try await codeSession(deposit, client: client)
        await eq(try await pickup.verifyCode(session, code: code, client: client), deposit.metadata.id)
        return session
    }

    /// A code of the right shape that is not `code`.
    func wrong(_ code: String) -> String { code == "00000000" ? "11111111" : "00000000" }

    // XCTest's assertions take synchronous autoclosures; these take async ones.
    func eq<T: Equatable>(_ actual: @autoclosure () async throws -> T, _ expected: T, _ message: String = "",
                          file: StaticString = #filePath, line: UInt = #line) async {
        guard let value = await evaluated(actual, file: file, line: line) else { return }
        XCTAssertEqual(value, expected, message, file: file, line: line)
    }

    func isNil<T>(_ actual: @autoclosure () async throws -> T?, file: StaticString = #filePath, line: UInt = #line) async {
        guard let value = await evaluated(actual, file: file, line: line) else { return }
        XCTAssertNil(value, file: file, line: line)
    }

    func notNil<T>(_ actual: @autoclosure () async throws -> T?, file: StaticString = #filePath, line: UInt = #line) async {
        guard let value = await evaluated(actual, file: file, line: line) else { return }
        XCTAssertNotNil(value, file: file, line: line)
    }

    /// The value, or nil after failing the test when it threw.
    private func evaluated<T>(_ actual: () async throws -> T, file: StaticString, line: UInt) async -> T? {
        do {
            return try await actual()
        } catch {
            XCTFail("threw \(error)", file: file, line: line)
            return nil
        }
    }

    /// Asserts that `body` throws exactly the pickup error `expected`.
    func assertPickupError<T>(_ expected: PortalPickupError, file: StaticString = #filePath, line: UInt = #line,
                              _ body: () async throws -> T) async {
        do {
            _ = try await body()
            XCTFail("expected \(expected), nothing was thrown", file: file, line: line)
        } catch {
            XCTAssertEqual(error as? PortalPickupError, expected, "\(error)", file: file, line: line)
        }
    }
}
