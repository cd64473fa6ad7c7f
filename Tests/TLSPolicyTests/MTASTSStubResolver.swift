// A Resolver test double for the MTA-STS client tests: answers `_mta-sts.<domain>` TXT and
// `mta-sts.<domain>` addresses from settable values, and counts the TXT queries.
import DNS
import MailCore
import NIOConcurrencyHelpers

final class MTASTSStubResolver: Resolver, @unchecked Sendable {
    struct State {
        var txt: Result<[String], DNSError> = .success([])
        var addresses: [IPAddress] = []
        var txtQueries: [String] = []
    }

    let domain: String
    private let state = NIOLockedValueBox(State())

    init(domain: String) { self.domain = domain }

    func setTXT(_ records: [String]) { state.withLockedValue { $0.txt = .success(records) } }
    func failTXT(_ error: DNSError) { state.withLockedValue { $0.txt = .failure(error) } }
    func setAddresses(_ addresses: [IPAddress]) { state.withLockedValue { $0.addresses = addresses } }
    var txtQueries: [String] { state.withLockedValue { $0.txtQueries } }

    func txt(_ name: String) async throws -> DNSAnswer<String> {
        let result = state.withLockedValue { s -> Result<[String], DNSError> in
            s.txtQueries.append(name)
            return s.txt
        }
        guard name == "_mta-sts." + domain else { return DNSAnswer(records: [], status: .insecure, ttl: 60, nxdomain: true) }
        return DNSAnswer(records: try result.get(), status: .insecure, ttl: 60)
    }

    func addresses(_ host: String) async throws -> DNSAnswer<IPAddress> {
        guard host == "mta-sts." + domain else { return DNSAnswer(records: [], status: .insecure, ttl: 60, nxdomain: true) }
        return DNSAnswer(records: state.withLockedValue { $0.addresses }, status: .insecure, ttl: 60)
    }

    func mx(_ domain: String) async throws -> DNSAnswer<MXRecord> { DNSAnswer(records: [], status: .insecure, ttl: 60) }
    func tlsa(_ name: String) async throws -> DNSAnswer<TLSARecord> { DNSAnswer(records: [], status: .insecure, ttl: 60) }
    func ptr(_ address: IPAddress) async throws -> DNSAnswer<String> { DNSAnswer(records: [], status: .insecure, ttl: 60) }
    func cname(_ name: String) async throws -> DNSAnswer<String> { DNSAnswer(records: [], status: .insecure, ttl: 60) }
}
