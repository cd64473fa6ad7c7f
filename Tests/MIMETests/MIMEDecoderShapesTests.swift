// Tests for MIMEDecoder over real-world message shapes: plain 7bit, alternative text+html, mixed with
// a base64 CSV and a PDF, nested alternative in mixed, forwarded messages, QP, charsets, RFC 2231 names.

import XCTest
import MailCore
@testable import MIME

final class MIMEDecoderShapesTests: XCTestCase {
    func testPlain7bitMessage() {
        let d = MIMEDecoder.decode(mimeCRLF("""
            From: Dr. Smith <smith@clinic.example>
            To: billing@payer.example
            Subject: =?UTF-8?B?UGF0aWVudDogSm9zw6k=?= =?ISO-8859-1?Q?_Garc=EDa?=
            Received: from a
            \tby b

            Patient SSN 123-45-6789.
            """))
        XCTAssertEqual(d.headers.first { $0.name == "Subject" }?.value, "Patient: Jos\u{e9} Garc\u{ed}a")
        XCTAssertEqual(d.headers.first { $0.name == "Received" }?.value, "from a\tby b")
        XCTAssertEqual(d.headers.count, 4)
        XCTAssertEqual(d.texts, [DecodedText(part: "1", contentType: "text/plain", text: "Patient SSN 123-45-6789.")])
        XCTAssertTrue(d.attachments.isEmpty)
        XCTAssertTrue(d.uninspected.isEmpty)
    }

    func testAlternativeScansBothTextAndHTML() {
        let d = MIMEDecoder.decode(mimeCRLF("""
            Content-Type: multipart/alternative; boundary="alt"

            --alt
            Content-Type: text/plain; charset=utf-8

            MRN 445566
            --alt
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            <p>MRN <b>4455</b>66</p><p>SSN 123&#45;45&#45;6789</p>
            --alt--
            """))
        XCTAssertEqual(d.texts.map(\.part), ["1", "2"])
        XCTAssertEqual(d.text("1"), "MRN 445566")
        XCTAssertEqual(d.text("2"), "MRN 445566\nSSN 123-45-6789\n")
        XCTAssertEqual(d.texts[1].contentType, "text/html")
        XCTAssertTrue(d.uninspected.isEmpty)
    }

    func testMixedWithBase64CSVAndPDF() {
        let csv = Data("name,ssn\nJose,123-45-6789\n".utf8).base64EncodedString(options: .lineLength76Characters)
        let d = MIMEDecoder.decode(mimeCRLF("""
            Content-Type: multipart/mixed; boundary=mix

            --mix
            Content-Type: text/csv; name=patients.csv
            Content-Disposition: attachment; filename="patients.csv"
            Content-Transfer-Encoding: base64

            \(csv)
            --mix
            Content-Type: application/pdf; name="scan.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --mix--
            """))
        XCTAssertEqual(d.text("1"), "name,ssn\nJose,123-45-6789\n")
        XCTAssertEqual(d.attachments, [AttachmentInfo(filename: "patients.csv", contentType: "text/csv", part: "1"),
                                       AttachmentInfo(filename: "scan.pdf", contentType: "application/pdf", part: "2")])
        XCTAssertEqual(d.uninspected, [UninspectedPart(part: "2", contentType: "application/pdf", reason: "unsupported type")])
    }

    func testNestedAlternativeInsideMixed() {
        let d = MIMEDecoder.decode(mimeCRLF("""
            Content-Type: multipart/mixed; boundary=outer

            preamble is ignored
            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain

            plain version
            --inner
            Content-Type: text/html

            <div>html version</div>
            --inner--
            --outer
            Content-Type: image/png
            Content-Disposition: inline; filename=logo.png
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --outer--
            epilogue is ignored
            """))
        XCTAssertEqual(d.texts.map(\.part), ["1.1", "1.2"])
        XCTAssertEqual(d.text("1.2"), "html version\n")
        XCTAssertEqual(d.uninspected, [UninspectedPart(part: "2", contentType: "image/png", reason: "unsupported type")])
        XCTAssertEqual(d.attachments.map(\.part), ["2"])
    }

    func testForwardedMessageWithItsOwnMultipart() {
        let d = MIMEDecoder.decode(mimeCRLF("""
            Subject: Fwd: results
            Content-Type: multipart/mixed; boundary=fwd

            --fwd
            Content-Type: text/plain

            See below.
            --fwd
            Content-Type: message/rfc822
            Content-Disposition: attachment; filename="results.eml"

            From: lab@lab.example
            Subject: =?utf-8?Q?Results_for_Jos=C3=A9?=
            Content-Type: multipart/mixed; boundary=lab

            --lab
            Content-Type: text/plain; charset=iso-8859-1
            Content-Transfer-Encoding: quoted-printable

            Jos=E9: SSN 123-4=
            5-6789
            --lab
            Content-Type: application/zip; name=images.zip

            PK
            --lab--
            --fwd--
            """))
        XCTAssertEqual(d.texts.map(\.part), ["1", "2", "2.1"])
        XCTAssertEqual(d.text("2"), "From: lab@lab.example\nSubject: Results for Jos\u{e9}\nContent-Type: multipart/mixed; boundary=lab\n")
        XCTAssertEqual(d.texts[1].contentType, "message/rfc822")
        XCTAssertEqual(d.text("2.1"), "Jos\u{e9}: SSN 123-45-6789")
        XCTAssertEqual(d.uninspected, [UninspectedPart(part: "2.2", contentType: "application/zip", reason: "unsupported type")])
        XCTAssertEqual(d.attachments.map(\.part), ["2", "2.2"])
        XCTAssertEqual(d.attachments.first?.filename, "results.eml")
    }

    func testWindows1252AndLatin1Bodies() {
        var message = Array("Content-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\nContent-Type: text/plain; charset=windows-1252\r\n\r\n".utf8)
        message += [0x93, 0x4A, 0x6F, 0x73, 0xE9, 0x94, 0x20, 0x31, 0x32, 0x33, 0x96, 0x34, 0x35]
        message += Array("\r\n--c\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".utf8)
        message += [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72]
        message += Array("\r\n--c--\r\n".utf8)
        let d = MIMEDecoder.decode(message)
        XCTAssertEqual(d.text("1"), "\u{201C}Jos\u{e9}\u{201D} 123\u{2013}45")
        XCTAssertEqual(d.text("2"), "M\u{fc}ller")
    }

    func testRFC2231AndRFC2047Filenames() {
        let d = MIMEDecoder.decode(mimeCRLF("""
            Content-Type: multipart/mixed; boundary=f

            --f
            Content-Type: application/pdf
            Content-Disposition: attachment; filename*0*=utf-8''Jos%C3%A9%20; filename*1="chart.pdf"

            %PDF
            --f
            Content-Type: application/msword; name="=?UTF-8?Q?r=C3=A9sum=C3=A9.doc?="

            x
            --f--
            """))
        XCTAssertEqual(d.attachments.map(\.filename), ["Jos\u{e9} chart.pdf", "r\u{e9}sum\u{e9}.doc"])
        XCTAssertEqual(d.uninspected.map(\.reason), ["unsupported type", "unsupported type"])
    }

    func testSignedEncryptedAndTextLikeApplicationTypes() {
        let d = MIMEDecoder.decode(mimeCRLF("""
            Content-Type: multipart/mixed; boundary=s

            --s
            Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=sig

            --sig
            Content-Type: application/json

            {"ssn": "123-45-6789"}
            --sig
            Content-Type: application/pkcs7-signature; name=smime.p7s
            Content-Transfer-Encoding: base64

            MIAGCSqGSIb3DQEHAqCAMIACAQEx
            --sig--
            --s
            Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m

            MIAGCSqG
            --s
            Content-Type: text/calendar

            BEGIN:VCALENDAR
            --s
            Content-Type: message/delivery-status

            Final-Recipient: rfc822; a@b.example
            --s
            Content-Type: application/octet-stream; name="labs.csv"

            mrn,dob
            --s--
            """))
        XCTAssertEqual(d.texts.map(\.part), ["1.1", "3", "4", "5"])
        XCTAssertEqual(d.text("5"), "mrn,dob")
        XCTAssertEqual(d.uninspected, [UninspectedPart(part: "2", contentType: "application/pkcs7-mime", reason: "encrypted")])
        XCTAssertEqual(d.attachments.map(\.part), ["1.2", "2", "5"])
    }

    func testMultipartEncryptedAtTopLevel() {
        let d = MIMEDecoder.decode(mimeCRLF("""
            Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=pgp

            --pgp
            Content-Type: application/pgp-encrypted

            Version: 1
            --pgp
            Content-Type: application/octet-stream

            -----BEGIN PGP MESSAGE-----
            --pgp--
            """))
        XCTAssertTrue(d.texts.isEmpty)
        XCTAssertEqual(d.uninspected, [UninspectedPart(part: "2", contentType: "multipart/encrypted", reason: "encrypted")])
    }

    func testTooLargePartsAndTotal() {
        let body = String(repeating: "x", count: 100)
        let message = mimeCRLF("Content-Type: multipart/mixed; boundary=b\n\n--b\n\n\(body)\n--b\n\n\(body)\n--b\n\n\(body)\n--b--\n")
        let perPart = MIMEDecoder.decode(message, limits: DecodeLimits(maxPartBytes: 99))
        XCTAssertEqual(perPart.uninspected.map(\.reason), ["too large", "too large", "too large"])
        let total = MIMEDecoder.decode(message, limits: DecodeLimits(maxTotalBytes: 250))
        XCTAssertEqual(total.texts.map(\.part), ["1", "2"])
        XCTAssertEqual(total.uninspected, [UninspectedPart(part: "3", contentType: "text/plain", reason: "too large")])
    }
}
