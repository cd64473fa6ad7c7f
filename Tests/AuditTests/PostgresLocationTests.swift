// PostgresLocationTests: the `audit.store: postgresql://…` form, its options, and the password
// file's rules (owner-only; a password in the URL is refused and never echoed).

import Foundation
import XCTest
@testable import Audit

final class PostgresLocationTests: XCTestCase {
    func testParsesTheURLAndOptions() throws {
        let l = try PostgresLocation.parse("postgresql://sealgate@db.example:5433/audit?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        XCTAssertEqual(l, PostgresLocation(user: "sealgate", host: "db.example", port: 5433, database: "audit",
                                           sslMode: .verifyFull, rootCertificatePath: "/etc/ca.pem"))
        XCTAssertEqual(try PostgresLocation.parse("postgres://u@127.0.0.1/a").sslMode, .prefer)
        XCTAssertEqual(try PostgresLocation.parse("postgresql://u@127.0.0.1/a").port, 5432)
        XCTAssertEqual(try PostgresLocation.parse("postgresql://u@localhost:5432/a?host=/run/pg").socketDirectory, "/run/pg")
        XCTAssertEqual(l.description, "postgresql://sealgate@db.example:5433/audit?sslmode=verify-full")
    }

    func testRefusesBadURLs() {
        for (url, words) in [("postgresql://u:secret@h/db", "password_file"), ("postgresql://h/db", "no user"),
                             ("postgresql://u@h/", "no database"), ("postgresql://u@h/db?sslmode=maybe", "sslmode must be"),
                             ("postgresql://u@h/db?foo=1", "unknown option foo"), ("mysql://u@h/db", "expected postgresql://")] {
            XCTAssertThrowsError(try PostgresLocation.parse(url), url) { error in
                XCTAssertTrue("\(error)".contains(words), "\(url): \(error)")
                XCTAssertFalse("\(error)".contains("secret"), "\(error)")
            }
        }
    }

    func testPasswordFileMustBeOwnerOnly() throws {
        let dir = try makeTempDir(self)
        let path = dir + "/pw"
        FileManager.default.createFile(atPath: path, contents: Data("s3cret\n".utf8), attributes: [.posixPermissions: 0o644])
        XCTAssertThrowsError(try PostgresLocation.readPassword(file: path)) { XCTAssertTrue("\($0)".contains("chmod 600"), "\($0)") }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        XCTAssertEqual(try PostgresLocation.readPassword(file: path), "s3cret")
        XCTAssertThrowsError(try PostgresLocation.readPassword(file: dir + "/none"))
    }
}
