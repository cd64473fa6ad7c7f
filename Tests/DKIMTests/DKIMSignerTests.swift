// DKIMSigner against dkimpy: RSA and Ed25519 keys from DKIMKeyGenerator and from openssl
// genpkey verify with their TXT records; one changed body byte or Subject makes them fail.

@testable import DKIM
import Foundation
import XCTest

final class DKIMSignerTests: XCTestCase {
    private func assertVerifies(_ signed: [UInt8], _ records: [String: String], count: Int, in dir: TempDir,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try Oracle.verify(signed, records: records, in: dir)
        XCTAssertEqual(result.status, 0, "dkimpy: \(result.stdout) \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stdout.split(separator: "\n").filter { $0.hasSuffix(" ok") }.count, count,
                       result.stdout, file: file, line: line)
    }

    private func assertFails(_ signed: [UInt8], _ records: [String: String], in dir: TempDir,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try Oracle.verify(signed, records: records, in: dir)
        XCTAssertEqual(result.status, 1, "dkimpy accepted a changed message: \(result.stdout)", file: file, line: line)
        XCTAssertTrue(result.stdout.contains("FAIL"), result.stdout, file: file, line: line)
    }

    /// Signs the fixture, checks dkimpy accepts it, and that a changed body byte, a changed
    /// Subject and an added From each make it fail.
    private func checkRoundTrip(key: DKIMKey, txt: String, selector: String) throws {
        let dir = try TempDir()
        let records = [Fixtures.record(selector): txt]
        let signed = try Fixtures.signer(selector, key).sign(message: Fixtures.message, now: Fixtures.signingTime)
        try assertVerifies(signed, records, count: 1, in: dir)
        try assertFails(Fixtures.replacing("results are in", with: "results are on", in: signed), records, in: dir)
        try assertFails(Fixtures.replacing("Lab results", with: "Lab Results", in: signed), records, in: dir)
        try assertFails(Fixtures.replacing("Date: Mon", with: "From: mallory@example.net\r\nDate: Mon", in: signed),
                        records, in: dir)
        // Relaxed canonicalisation survives refolding and WSP changes in a signed field and the body.
        let refolded = Fixtures.replacing("To: bob@example.com,\r\n\tcarol", with: "To:   bob@example.com, \r\n carol",
                                          in: Fixtures.replacing("Hello Bob,  \r\n", with: "Hello  Bob,\r\n", in: signed))
        try assertVerifies(refolded, records, count: 1, in: dir)
        // A field not signed may be added (a Received by the next hop).
        try assertVerifies(Array("Received: from gw.example.org by mx.example.com\r\n".utf8) + signed, records, count: 1, in: dir)
    }

    func testGeneratedRSAKeyVerifiesWithDkimpy() throws {
        let generated = try DKIMKeyGenerator.generate(algorithm: .rsa2048)
        XCTAssertTrue(generated.dnsTXT.hasPrefix("v=DKIM1; k=rsa; p="))
        try checkRoundTrip(key: DKIMKey(pemRepresentation: generated.privateKeyPEM), txt: generated.dnsTXT, selector: "rsa2026")
    }

    func testGeneratedEd25519KeyVerifiesWithDkimpy() throws {
        let generated = try DKIMKeyGenerator.generate(algorithm: .ed25519)
        XCTAssertTrue(generated.dnsTXT.hasPrefix("v=DKIM1; k=ed25519; p="))
        try checkRoundTrip(key: DKIMKey(pemRepresentation: generated.privateKeyPEM), txt: generated.dnsTXT, selector: "ed2026")
    }

    /// The p= value openssl itself derives: SPKI DER for RSA, the raw 32 bytes for Ed25519.
    private func opensslPublicKey(_ keyPath: String, ed25519: Bool) throws -> String {
        let dir = URL(fileURLWithPath: keyPath).deletingLastPathComponent().path
        let der = dir + "/pub-\(UUID().uuidString).der"
        let result = try Oracle.run("openssl", ["pkey", "-in", keyPath, "-pubout", "-outform", "DER", "-out", der])
        XCTAssertEqual(result.status, 0, result.stderr)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: der))
        return (ed25519 ? bytes.suffix(32) : bytes).base64EncodedString()
    }

    func testOpensslRSAKeyVerifiesWithDkimpy() throws {
        let dir = try TempDir()
        let path = try Oracle.opensslKey("RSA", in: dir)
        let key = try DKIMKey.load(pemFile: path)
        XCTAssertEqual(key.algorithm, .rsaSHA256)
        let txt = "v=DKIM1; k=rsa; p=\(try opensslPublicKey(path, ed25519: false))"
        XCTAssertEqual(key.dnsTXT, txt)
        try checkRoundTrip(key: key, txt: txt, selector: "ossl-rsa")
    }

    func testOpensslEd25519KeyVerifiesWithDkimpy() throws {
        let dir = try TempDir()
        let path = try Oracle.opensslKey("ED25519", in: dir)
        let key = try DKIMKey.load(pemFile: path)
        XCTAssertEqual(key.algorithm, .ed25519SHA256)
        let txt = "v=DKIM1; k=ed25519; p=\(try opensslPublicKey(path, ed25519: true))"
        XCTAssertEqual(key.dnsTXT, txt)
        try checkRoundTrip(key: key, txt: txt, selector: "ossl-ed")
    }

    func testRSAAndEd25519SignaturesOnOneMessageBothVerify() throws {
        let dir = try TempDir()
        let rsa = try DKIMKeyGenerator.generate(algorithm: .rsa2048)
        let ed = try DKIMKeyGenerator.generate(algorithm: .ed25519)
        let records = [Fixtures.record("r1"): rsa.dnsTXT, Fixtures.record("e1"): ed.dnsTXT]
        let once = try Fixtures.signer("r1", DKIMKey(pemRepresentation: rsa.privateKeyPEM))
            .sign(message: Fixtures.message, now: Fixtures.signingTime)
        let twice = try Fixtures.signer("e1", DKIMKey(pemRepresentation: ed.privateKeyPEM)).sign(message: once, now: Fixtures.signingTime)
        let result = try Oracle.verify(twice, records: records, in: dir)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("0 example.org e1 ed25519-sha256 ok"), result.stdout)
        XCTAssertTrue(result.stdout.contains("1 example.org r1 rsa-sha256 ok"), result.stdout)
        try assertFails(Fixtures.replacing("Regards", with: "regards", in: twice), records, in: dir)
    }

    func testSignatureFieldTagsAndHeaderList() throws {
        let key = try DKIMKey(pemRepresentation: DKIMKeyGenerator.generate(algorithm: .ed25519).privateKeyPEM)
        let signed = try Fixtures.signer("S1", key).sign(message: Fixtures.message, now: Fixtures.signingTime)
        let text = String(decoding: signed, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org;"), text)
        XCTAssertTrue(text.hasSuffix(String(decoding: Fixtures.message, as: UTF8.self)))
        let field = String(text[..<(text.range(of: "\r\nReceived:")?.lowerBound ?? text.endIndex)])
        for line in field.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.utf8.count, 78, line) }
        let unfolded = field.replacingOccurrences(of: "\r\n\t", with: " ")
        XCTAssertTrue(unfolded.contains("d=example.org; s=s1; t=1780000000; h="), unfolded)
        let h = unfolded.components(separatedBy: " h=").last?.components(separatedBy: ";").first?
            .replacingOccurrences(of: " ", with: "") ?? ""
        XCTAssertEqual(h, "From:From:Reply-To:Subject:Subject:To:To:Cc:Date:Message-ID:MIME-Version:Content-Type")
        XCTAssertFalse(h.lowercased().contains("received"))
        XCTAssertFalse(h.lowercased().contains("x-trace"))
    }

    /// RFC 6376 §3.4.2: WSP before the colon is not part of the name. `From :` is a From, and
    /// `Subject :` counts as a Subject for oversigning, so one added on top breaks the signature.
    func testFieldNamesWithWSPBeforeTheColonSignAndAreOversigned() throws {
        let generated = try DKIMKeyGenerator.generate(algorithm: .ed25519)
        let key = try DKIMKey(pemRepresentation: generated.privateKeyPEM)
        let message = Array(("From : Dr Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject\t: Lab results\r\n"
            + "Date: Mon, 1 Jun 2026 10:00:00 +0000\r\n\r\nHello Bob\r\n").utf8)
        let signed = try Fixtures.signer("ws1", key).sign(message: message, now: Fixtures.signingTime)
        let unfolded = String(decoding: signed, as: UTF8.self).replacingOccurrences(of: "\r\n\t", with: " ")
        let h = unfolded.components(separatedBy: " h=").dropFirst().first?.components(separatedBy: ";").first?
            .replacingOccurrences(of: " ", with: "") ?? ""
        XCTAssertTrue(h.hasPrefix("From:From:Reply-To:Subject:Subject:To:To:"), h)
        // dkimpy's parser refuses WSP before a colon (and skips `From ` lines as mbox separators), so
        // it gets the spelling relaxed canonicalisation makes identical: `From:` and `Subject:`.
        let respelled = Fixtures.replacing("Subject\t:", with: "Subject:", in: Fixtures.replacing("From :", with: "From:", in: signed))
        XCTAssertNotEqual(respelled, signed)
        let dir = try TempDir()
        let records = [Fixtures.record("ws1"): generated.dnsTXT]
        try assertVerifies(respelled, records, count: 1, in: dir)
        try assertFails(Fixtures.replacing("Date: Mon", with: "Subject: forged\r\nDate: Mon", in: respelled), records, in: dir)
        try assertFails(Fixtures.replacing("Lab results", with: "Lab Results", in: respelled), records, in: dir)
    }

    func testMessageWithoutFromIsRefused() throws {
        let key = try DKIMKey(pemRepresentation: DKIMKeyGenerator.generate(algorithm: .ed25519).privateKeyPEM)
        let message = Array("To: bob@example.com\r\nSubject: x\r\n\r\nbody\r\n".utf8)
        XCTAssertThrowsError(try Fixtures.signer("s", key).sign(message: message, now: Fixtures.signingTime)) {
            XCTAssertEqual($0 as? DKIMError, .noFromHeader)
        }
    }

    func testBareLineFeedIsRefused() throws {
        let key = try DKIMKey(pemRepresentation: DKIMKeyGenerator.generate(algorithm: .ed25519).privateKeyPEM)
        let message = Array("From: a@example.org\r\n\r\nline\nnext\r\n".utf8)
        XCTAssertThrowsError(try Fixtures.signer("s", key).sign(message: message, now: Fixtures.signingTime)) {
            XCTAssertEqual($0 as? DKIMError, .bareLineEnding(offset: 27))
        }
    }

    func testBadSelectorIsRefused() throws {
        let key = try DKIMKey(pemRepresentation: DKIMKeyGenerator.generate(algorithm: .ed25519).privateKeyPEM)
        for selector in ["", "a..b", "-a", "a b", "s;x", "sél"] {
            XCTAssertThrowsError(try Fixtures.signer(selector, key), selector) {
                XCTAssertEqual($0 as? DKIMError, .badSelector(selector))
            }
        }
        XCTAssertNoThrow(try Fixtures.signer("s2026.eu-west", key))
    }

    func testEmptyBodyAndNoFinalCRLFVerify() throws {
        let dir = try TempDir()
        let generated = try DKIMKeyGenerator.generate(algorithm: .ed25519)
        let signer = try Fixtures.signer("e", DKIMKey(pemRepresentation: generated.privateKeyPEM))
        let records = [Fixtures.record("e"): generated.dnsTXT]
        for message in ["From: a@example.org\r\nSubject: empty\r\n\r\n", "From: a@example.org\r\n",
                        "From: a@example.org\r\n\r\n\r\n\r\n", "From: a@example.org\r\n\r\nno final CRLF  "] {
            try assertVerifies(try signer.sign(message: Array(message.utf8), now: Fixtures.signingTime), records, count: 1, in: dir)
        }
    }
}
