// The config file and a policy file read one size string to the same number of bytes: both
// go through YAMLSyntax, so `35MiB` cannot mean one thing in sealgate.yaml and another in policies/.
import XCTest
@testable import Gateway
@testable import Policy

final class SharedSizeSyntaxTests: XCTestCase {
    private func configSize(_ text: String) throws -> Int {
        let dir = try ConfigFixtures.scratchDirectory()
        return try ConfigLoader.parse(yaml: "limits: {max_message_size: \(text)}\n", path: dir + "/sealgate.yaml", now: Date()).get().maxMessageSize
    }

    private func policySize(_ text: String) throws -> Int? {
        let yaml = "rules:\n  - name: big\n    when: {size: {over: \(text)}}\n    hold: true\n"
        let built = PolicyLoader.build(sources: [("t.yaml", yaml)], baseDirectory: "/")
        XCTAssertEqual(built.diagnostics.map(\.description), [])
        guard case .size(let over, _)? = built.policy?.rules.first?.conditions.first else { return nil }
        return over
    }

    func testBothReadersGiveTheSameNumber() throws {
        for (text, bytes) in [("35MiB", 36_700_160), ("10MB", 10_000_000), ("10 MiB", 10_485_760), ("1048576", 1_048_576)] {
            XCTAssertEqual(try configSize(text), bytes, text)
            XCTAssertEqual(try policySize(text), bytes, text)
        }
    }
}
