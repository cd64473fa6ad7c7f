// Helpers for the policy tests: building a policy from YAML text, and message facts with just
// the fields a test cares about.
import Foundation
import MailCore
import XCTest
@testable import Policy

enum Fixture {
    static func address(_ text: String) -> MailAddress {
        (try? MailAddressParser.parse(text, allowUTF8: true)) ?? MailAddress(localPart: "invalid", domain: .ipv4("0.0.0.0"))
    }

    static func facts(from sender: String? = "alice@clinic.example", to recipients: [String] = ["bob@partner.example"],
                      auth: String? = nil, client: String? = "192.0.2.10", tls: Bool = false,
                      headers: [HeaderField] = [], subject: String? = nil, size: Int = 1000,
                      attachments: [AttachmentInfo] = [], findings: [Finding] = [],
                      uninspected: [UninspectedPart] = []) -> MessageFacts {
        var all = headers
        if let subject { all.append(HeaderField(name: "Subject", value: subject)) }
        return MessageFacts(sender: sender.map(address), recipients: recipients.map(address), authenticatedUser: auth,
                            clientAddress: client.flatMap(IPAddress.init), receivedOverTLS: tls, headers: all, size: size,
                            attachments: attachments, findings: findings, uninspected: uninspected)
    }

    static func finding(_ type: PHIType, _ confidence: Double = 0.95) -> Finding {
        Finding(type: type, sample: "***-**-6789", part: "1", confidence: confidence)
    }

    static let pdf = UninspectedPart(part: "2", contentType: "application/pdf", reason: "unsupported type")

    /// Builds one file `test.yaml`; fails the test when `expectErrors` is false and there are any.
    static func policy(_ yaml: String, baseDirectory: String = "/nonexistent", file: StaticString = #filePath,
                       line: UInt = #line) -> PolicySet {
        let built = PolicyLoader.build(sources: [("test.yaml", yaml)], baseDirectory: baseDirectory)
        XCTAssertEqual(built.diagnostics.map(\.description), [], file: file, line: line)
        return built.policy ?? .empty
    }

    static func diagnostics(_ yaml: String, baseDirectory: String = "/nonexistent") -> [String] {
        PolicyLoader.build(sources: [("test.yaml", yaml)], baseDirectory: baseDirectory).diagnostics.map(\.description)
    }

    /// The matched rule's name for the first recipient ("default" when none matched).
    static func rule(_ policy: PolicySet, _ facts: MessageFacts) -> String {
        guard let verdict = PolicyEvaluator(policy: policy).evaluate(facts).first else { return "<no verdict>" }
        return verdict.trace.matchedRule.map { String($0.split(separator: " ", maxSplits: 1).last ?? "") } ?? "default"
    }

    /// Whether a one-rule policy `when: <condition>` matches.
    static func matches(_ condition: String, _ facts: MessageFacts, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let yaml = "rules:\n  - name: r\n    when:\n" + condition.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
            + "\n    hold: true\n"
        return rule(policy(yaml, file: file, line: line), facts) == "r"
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "policytests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
