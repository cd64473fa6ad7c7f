// FakeMTASTSFetcher: an MTASTSPolicyFetching double for the client tests: answers with canned
// policy text or an error, and records each fetch (domain and addresses).
import Foundation
import NIOConcurrencyHelpers
@testable import TLSPolicy

final class FakeMTASTSFetcher: MTASTSPolicyFetching, @unchecked Sendable {
    private struct State {
        var answer: Result<String, MTASTSFetchError> = .failure(.status(404))
        var fetches: [(domain: String, addresses: [String])] = []
    }

    private let state = NIOLockedValueBox(State())

    func serve(_ text: String) { state.withLockedValue { $0.answer = .success(text) } }
    func fail(_ error: MTASTSFetchError) { state.withLockedValue { $0.answer = .failure(error) } }
    var fetchCount: Int { state.withLockedValue { $0.fetches.count } }
    var fetchedAddresses: [[String]] { state.withLockedValue { $0.fetches.map(\.addresses) } }

    func policyText(domain: String, addresses: [String]) async throws -> String {
        try state.withLockedValue { s in
            s.fetches.append((domain, addresses))
            return try s.answer.get()
        }
    }
}
