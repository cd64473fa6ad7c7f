// Replays the smtp-server and smtp-reply fuzz corpora (Tests/Fuzz/Corpus) through the fuzzers'
// own entry logic, without sanitizers: an input that once crashed stays fixed.

import Foundation
import MailCore
import XCTest
import SMTPProtocol

final class FuzzCorpusReplayTests: XCTestCase {
    static func corpus(_ target: String) throws -> [(String, [UInt8])] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fuzz/Corpus/\(target)")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
            ($0, try [UInt8](Data(contentsOf: dir.appendingPathComponent($0))))
        }
    }

    func testServerCorpusGetsAGreetingAndSaneReplies() throws {
        let inputs = try Self.corpus("smtp-server")
        XCTAssertGreaterThan(inputs.count, 5)
        for (name, bytes) in inputs {
            let outcome = SMTPServerFuzzEntry.run(bytes)
            XCTAssertEqual(outcome.replies.first?.code, 220, name)
            XCTAssertTrue(outcome.replies.allSatisfy { (200...599).contains($0.code) }, name)
            XCTAssertTrue(outcome.closed, "\(name): the session outlived its shutdown")
        }
    }

    func testAPlainSessionCommitsItsMessage() throws {
        let session = try Self.corpus("smtp-server").first { $0.0 == "plain-session" }
        let outcome = SMTPServerFuzzEntry.run(try XCTUnwrap(session).1)
        XCTAssertEqual(outcome.commits, 1, "\(outcome.replies)")
        XCTAssertEqual(outcome.replies.last?.code, 221)
    }

    func testReplyCorpusParses() throws {
        let inputs = try Self.corpus("smtp-reply")
        XCTAssertGreaterThan(inputs.count, 3)
        for (name, bytes) in inputs {
            let outcome = ClientReplyFuzzEntry.run(bytes)
            XCTAssertTrue(!outcome.replies.isEmpty || outcome.error != nil, name)
        }
        let ehlo = ClientReplyFuzzEntry.run(try XCTUnwrap(inputs.first { $0.0 == "ehlo" }).1)
        XCTAssertEqual(ehlo.replies.map(\.code), [250])
        XCTAssertEqual(ehlo.replies.first?.lines.count, 8)
    }
}
