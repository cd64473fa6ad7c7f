// PortalWebLoggingTests: no access log: with the logger at its most verbose, a whole pickup leaves
// no path, token, cookie or address in any log line (message or metadata).

import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
@testable import Portal
import XCTest

final class PortalWebLoggingTests: PortalWebTestCase {
    func testNothingThePortalLogsNamesAPathATokenOrACookie() async throws {
        let lines = RecordedLog()
        var logger = Logger(label: "portal-log-test") { _ in WebLogHandler(lines: lines) }
        logger.logLevel = .trace
        let app = try PortalServer.application(settings: settings, pickup: fake, templates: try PortalTemplates(), logger: logger,
                                               tlsConfiguration: nil)
        let session = fake.session(in: .reading(fake.messageID))
        try await app.test(.live) { client in
            try await client.execute(uri: "/p/abcdefghijklmnopqrstuvwxyz/secrettoken234567?q=querysecret", method: .get) { _ in }
            try await client.execute(uri: "/message/\(self.fake.messageID.text)", method: .get, headers: self.cookie(session)) { _ in }
            try await client.execute(uri: "/no/such/secretpath", method: .get) { _ in }
            let (headers, body) = self.form(session, ["csrf": "wrong", "address": "patient@example.org"])
            try await client.execute(uri: "/login", method: .post, headers: headers, body: body) { _ in }
        }
        XCTAssertFalse(lines.all.isEmpty, "the server logs through this logger (it says it started), so the check can see a leak")
        for line in lines.all {
            for secret in ["secrettoken", "querysecret", "secretpath", session.text, "patient@example.org", "/message/", "/p/"] {
                XCTAssertFalse(line.contains(secret), "a log line names \(secret): \(line)")
            }
        }
    }
}

final class RecordedLog: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    func append(_ line: String) { lines.withLockedValue { $0.append(line) } }
    var all: [String] { lines.withLockedValue { $0 } }
}

struct WebLogHandler: LogHandler {
    let lines: RecordedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
             function: String, line: UInt) {
        let all = self.metadata.merging(metadata ?? [:]) { $1 }
        lines.append("\(level) \(message) \(all)")
    }
}
