// MTASTSPolicyFetching: how MTASTSClient gets a domain's policy text. `MTASTSFetcher` (HTTPS) is the
// production one; tests pass a fetcher with canned text or errors. Parsing stays in the client.

public protocol MTASTSPolicyFetching: Sendable {
    /// The body of `https://mta-sts.<domain>/.well-known/mta-sts.txt`, fetched from the first of
    /// `addresses` that answers. Throws `MTASTSFetchError` (or any error) when there is none.
    func policyText(domain: String, addresses: [String]) async throws -> String
}
