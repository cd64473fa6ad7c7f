// AuditBundle and TarArchive: an export verifies, is signed by the key made 0600 on first use, and
// an edited record, a foreign key or a damaged tar header is named; the tar form round-trips.
import Audit
import Foundation
import MailCore
import XCTest
@testable import Gateway

final class AuditBundleTests: XCTestCase {
    private func exported() throws -> (AuditFacade, GatewayConfig, String) {
        let config = try FacadeFixtures.config()
        let facade = AuditFacade(config: config)
        for n: UInt64 in 1...3 { try facade.recordAdmin(actor: "alice", action: "hold", queueID: FacadeFixtures.queueID(n)) }
        let out = NSTemporaryDirectory() + "bundle-\(UUID().uuidString).tar"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: out) }
        let line = try facade.export(since: nil, until: nil, out: out)
        XCTAssertTrue(line.hasPrefix("\(out): 3 record(s), sequence 1-3, head 3; signed by sha256:"), line)
        return (facade, config, out)
    }

    func testAnExportVerifiesAndTheKeyIsPrivate() throws {
        let (facade, config, out) = try exported()
        let check = try facade.verifyBundle(path: out, key: nil)
        XCTAssertTrue(check.intact, check.text)
        XCTAssertTrue(check.text.hasPrefix("intact bundle: 3 record(s), sequence 1-3 of a chain whose head was 3 "), check.text)
        let mode = try FileManager.default.attributesOfItem(atPath: config.auditSigningKeyPath)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        let key = try AuditSigningKey.loadOrCreate(path: config.auditSigningKeyPath)
        XCTAssertTrue(check.text.hasSuffix("signed by \(AuditSigningKey.fingerprint(key.publicKey))"), check.text)
    }

    func testAnEditedRecordAndAForeignKeyAreNamed() throws {
        let (facade, _, out) = try exported()
        var members = try TarArchive.read(try XCTUnwrap(FileManager.default.contents(atPath: out)).map { $0 })
        XCTAssertEqual(members.map(\.name), ["records.jsonl", "SHA256SUMS", "manifest.json", "manifest.json.sig", "signing-key.pem"])
        members[0].bytes = Array(String(decoding: members[0].bytes, as: UTF8.self)
            .replacingOccurrences(of: "alice", with: "mallory").utf8)
        XCTAssertEqual(AuditBundle.verify(TarArchive.write(members, mtime: Date()), pinned: nil),
                       .failure(InvalidInput("records.jsonl does not match the manifest's records_sha256 (changed after signing)")))
        // Another gateway's key (its own export made it), given as the key the bundle must carry.
        let (_, _, otherOut) = try exported()
        let otherMembers = try TarArchive.read(try XCTUnwrap(FileManager.default.contents(atPath: otherOut)).map { $0 })
        let otherKey = otherOut + ".pub.pem"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: otherKey) }
        try Data(try XCTUnwrap(otherMembers.last?.bytes)).write(to: URL(fileURLWithPath: otherKey))
        let foreign = try facade.verifyBundle(path: out, key: otherKey)
        XCTAssertFalse(foreign.intact)
        XCTAssertTrue(foreign.text.hasPrefix("BROKEN bundle: signed by sha256:") && foreign.text.contains("not by the key given"),
                      foreign.text)
        let check = try facade.verifyBundle(path: out, key: nil)
        XCTAssertTrue(check.intact, "the file itself was not changed: \(check.text)")
    }

    /// PostgreSQL's export: a run per node's chain, each checked on its own and against its node.
    func testABundleOfTwoNodesChainsVerifiesEachAndNamesAMovedRecord() throws {
        let dir = NSTemporaryDirectory() + "bundle-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let chains = try ["gw1", "gw2"].map { node -> ExportedChain in
            let store = try SQLiteAuditStore(path: "\(dir)/\(node).sqlite", node: node, clock: SystemClock())
            for n: UInt64 in 1...(node == "gw1" ? 3 : 2) {
                _ = try store.append(.adminAction(AdminEvent(actor: "alice", action: .hold, queueID: FacadeFixtures.queueID(n))))
            }
            let head = try XCTUnwrap(try store.head())
            return ExportedChain(node: node, records: try store.export(since: nil, until: nil), headSequence: head.sequence,
                                 headHash: head.hash)
        }
        let key = try AuditSigningKey.loadOrCreate(path: dir + "/signing.key")
        let (archive, manifest) = try AuditBundle.make(chains: chains, since: nil, until: nil, key: key, now: Date())
        XCTAssertEqual(manifest.chains.map(\.span), ["node gw1 sequence 1-3", "node gw2 sequence 1-2"])
        guard case .success(let text) = AuditBundle.verify(archive, pinned: nil) else { return XCTFail("\(manifest)") }
        XCTAssertTrue(text.hasPrefix("intact bundle: 5 record(s), node gw1 sequence 1-3 of a chain whose head was 3 "), text)
        XCTAssertTrue(text.contains("; node gw2 sequence 1-2 of a chain whose head was 2 "), text)
        // gw2's first record given as gw1's (re-signed, so only the chain check can tell).
        var moved = chains
        moved[0].records.append(moved[1].records.removeFirst())
        let (bad, _) = try AuditBundle.make(chains: moved, since: nil, until: nil, key: key, now: Date())
        guard case .failure(let error) = AuditBundle.verify(bad, pinned: nil) else { return XCTFail("a moved record verified") }
        XCTAssertTrue(error.description.hasPrefix("node gw1's chain broken: audit record 4 is corrupt: a record of node gw2"),
                      error.description)
    }

    func testTarRoundTripsAndADamagedHeaderIsRefused() throws {
        let members = [TarArchive.Member(name: "a.txt", bytes: Array("hello".utf8)),
                       TarArchive.Member(name: "empty", bytes: []),
                       TarArchive.Member(name: "block", bytes: [UInt8](repeating: 7, count: 512))]
        var archive = TarArchive.write(members, mtime: Date(timeIntervalSince1970: 1_795_428_000))
        XCTAssertEqual(archive.count, 512 * 5 + 1024, "a header per member, data in whole blocks, two end blocks")
        XCTAssertEqual(try TarArchive.read(archive), members)
        archive[3] ^= 0x20
        XCTAssertThrowsError(try TarArchive.read(archive)) { error in
            XCTAssertEqual("\(error)", "tar header at byte 0: bad checksum")
        }
    }
}
