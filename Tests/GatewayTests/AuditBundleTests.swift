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
