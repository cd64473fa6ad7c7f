// LDNSResolver against real nsd + validating unbound: secure, insecure and bogus zones, null MX,
// NXDOMAIN vs NODATA, TLSA/TXT/A+AAAA/CNAME parsing, mode `off`, and a resolver that never answers.
import DNS
import Logging
import MailCore
import NIOPosix
import XCTest

final class LDNSResolverTests: XCTestCase {
    static let tlsaHex = "8f5ea3c1d2e4f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f"
    static let spec: [String: Any] = [
        "zones": [
            ["name": "signed.test", "dnssec": "signed", "negative_ttl": 45, "records": [
                "@ MX 20 mx2", "@ MX 10 mx1", "@ MX 10 mx0.signed.test.",
                "mx1 A 127.0.0.21", "mx1 AAAA 2001:db8::21",
                "_25._tcp.mx1 TLSA 3 1 1 \(tlsaHex)",
                "@ TXT \"v=STSv1; \" \"id=20240101\"",
                "alias CNAME mx1",
            ]],
            ["name": "plain.test", "dnssec": "unsigned", "records": ["@ MX 10 mx.plain.test.", "mx A 127.0.0.22"]],
            ["name": "broken.test", "dnssec": "bogus", "records": ["@ MX 10 mx", "mx A 127.0.0.23"]],
            ["name": "nullmx.test", "dnssec": "signed", "records": ["@ MX 0 ."]],
        ],
    ]

    nonisolated(unsafe) static var fixture: Result<DNSFixtureProcess, Error> = .failure(FixtureFailure("not started"))
    /// The blocking exchanges run here, as they run on the daemon's pool.
    static let pool = NIOThreadPool(numberOfThreads: 2)

    override class func setUp() {
        super.setUp()
        pool.start()
        fixture = Result { try DNSFixtureProcess.start(spec: spec) }
    }

    override class func tearDown() {
        if case .success(let running) = fixture { running.stop() }
        try? pool.syncShutdownGracefully()
        super.tearDown()
    }

    func resolver(_ mode: DNSSECMode = .trustAD) throws -> LDNSResolver {
        let address = try Self.fixture.get().resolver
        return LDNSResolver(server: address, dnssec: mode, timeout: 5, pool: Self.pool, logger: Logger(label: "dns-test"))
    }

    func testMXInSignedZoneIsSecureAndSortedByPreference() async throws {
        let answer = try await resolver().mx("signed.test")
        XCTAssertEqual(answer.status, .secure)
        XCTAssertFalse(answer.nxdomain)
        XCTAssertEqual(answer.records, [MXRecord(preference: 10, host: "mx0.signed.test"),
                                        MXRecord(preference: 10, host: "mx1.signed.test"),
                                        MXRecord(preference: 20, host: "mx2.signed.test")])
        XCTAssertGreaterThan(answer.ttl, 0)
        XCTAssertLessThanOrEqual(answer.ttl, 300)
    }

    func testNamesAreCaseInsensitiveAndMayBeAbsolute() async throws {
        let answer = try await resolver().mx("SIGNED.Test.")
        XCTAssertEqual(answer.records.map(\.host), ["mx0.signed.test", "mx1.signed.test", "mx2.signed.test"])
    }

    func testUnsignedZoneIsInsecure() async throws {
        let answer = try await resolver().mx("plain.test")
        XCTAssertEqual(answer.status, .insecure)
        XCTAssertEqual(answer.records, [MXRecord(preference: 10, host: "mx.plain.test")])
    }

    func testBogusZoneThrowsBogus() async throws {
        let dns = try resolver()
        do {
            let answer = try await dns.mx("broken.test")
            XCTFail("a bogus zone gave a normal answer: \(answer.records) \(answer.status)")
        } catch let error as DNSError {
            guard case .bogus = error else { return XCTFail("expected .bogus, got \(error)") }
        }
    }

    func testNullMX() async throws {
        let answer = try await resolver().mx("nullmx.test")
        XCTAssertEqual(answer.status, .secure)
        XCTAssertEqual(answer.records, [MXRecord(preference: 0, host: "")])
        XCTAssertTrue(answer.records[0].isNullMX)
    }

    func testNXDOMAINCarriesSOAMinimumAsTTL() async throws {
        let answer = try await resolver().mx("nothere.signed.test")
        XCTAssertTrue(answer.nxdomain)
        XCTAssertTrue(answer.records.isEmpty)
        XCTAssertEqual(answer.status, .secure)
        XCTAssertGreaterThan(answer.ttl, 0)
        XCTAssertLessThanOrEqual(answer.ttl, 45)
    }

    func testNODATAIsNotNXDOMAIN() async throws {
        let answer = try await resolver().txt("mx1.signed.test")
        XCTAssertFalse(answer.nxdomain)
        XCTAssertTrue(answer.records.isEmpty)
        XCTAssertEqual(answer.status, .secure)
        XCTAssertGreaterThan(answer.ttl, 0)
        XCTAssertLessThanOrEqual(answer.ttl, 45)
    }

    func testTLSAFieldsAndBytes() async throws {
        let answer = try await resolver().tlsa("_25._tcp.mx1.signed.test")
        XCTAssertEqual(answer.status, .secure)
        XCTAssertEqual(answer.records.count, 1)
        let record = try XCTUnwrap(answer.records.first)
        XCTAssertEqual([record.usage, record.selector, record.matchingType], [3, 1, 1])
        XCTAssertEqual(record.data.map { String(format: "%02x", $0) }.joined(), Self.tlsaHex)
    }

    func testTXTStringsAreJoined() async throws {
        let answer = try await resolver().txt("signed.test")
        XCTAssertEqual(answer.records, ["v=STSv1; id=20240101"])
        XCTAssertEqual(answer.status, .secure)
    }

    func testAddressesReturnsAAndAAAA() async throws {
        let answer = try await resolver().addresses("mx1.signed.test")
        XCTAssertEqual(Set(answer.records), Set(["127.0.0.21", "2001:db8::21"].compactMap(IPAddress.init)))
        XCTAssertEqual(answer.records.count, 2)
        XCTAssertEqual(answer.status, .secure)
        XCTAssertFalse(answer.nxdomain)
    }

    func testAddressesOfMissingHostIsNXDOMAIN() async throws {
        let answer = try await resolver().addresses("gone.plain.test")
        XCTAssertTrue(answer.nxdomain)
        XCTAssertTrue(answer.records.isEmpty)
        XCTAssertEqual(answer.status, .insecure)
    }

    func testCNAMETarget() async throws {
        let answer = try await resolver().cname("alias.signed.test")
        XCTAssertEqual(answer.records, ["mx1.signed.test"])
        XCTAssertEqual(answer.status, .secure)
    }

    func testModeOffIsIndeterminate() async throws {
        let answer = try await resolver(.off).mx("signed.test")
        XCTAssertEqual(answer.status, .indeterminate)
        XCTAssertEqual(answer.records.count, 3)
    }

    func testBadQueryNameIsMalformed() async throws {
        do {
            _ = try await resolver().mx("bad..name.test")
            XCTFail("an empty label was queried")
        } catch DNSError.malformed {
        }
    }
}
