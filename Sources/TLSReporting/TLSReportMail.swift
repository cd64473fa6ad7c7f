// TLSReportMail: one TLS report as the mail RFC 8460 §5.3 describes: multipart/report with
// report-type="tlsrpt", a short text part and the JSON gzip'd as application/tlsrpt+gzip.

import Foundation
import MailCore
import MIME

public enum TLSReportMail {
    /// The message to `to` (one of the domain's rua addresses) from `from`; `submitter` is this gateway's
    /// name (`TLS-Report-Submitter`), `messageID` a unique `id@host` without brackets.
    public static func compose(_ report: TLSReport, from: MailAddress, to: MailAddress, submitter: String, date: Date,
                               messageID: String) throws -> [UInt8] {
        let domain = report.policyDomain
        let gz = try Gzip.compress(try report.json())
        // §5.1: submitter!policy-domain!begin-timestamp!end-timestamp[!unique-id].json.gz
        let filename = "\(submitter)!\(domain)!\(Int(report.start.timeIntervalSince1970))!"
            + "\(Int(report.end.timeIntervalSince1970))!\(reportSuffix(report.reportID)).json.gz"
        // No base64 line and no fixed text contains "=_", so this boundary never occurs in the body.
        let boundary = "=_sealgate_tlsrpt"
        let head = [
            "From: \(from.description)",
            "To: \(to.description)",
            "Date: \(RFC5322Date.format(date))",
            "Subject: Report Domain: \(domain) Submitter: \(submitter) Report-ID: <\(report.reportID)>",
            "Message-ID: <\(messageID)>",
            "TLS-Report-Domain: \(domain)",
            "TLS-Report-Submitter: \(submitter)",
            "Auto-Submitted: auto-generated",
            // RFC 8460 §5.3: reports are delivered despite TLS failures (the domains that fail TLS are the
            // ones that need them), and their own sessions are not reported: no TLS floor for this mail.
            "TLS-Required: No",
            "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"\(boundary)\"",
        ]
        var lines = head + ["", "--\(boundary)", "Content-Type: text/plain; charset=us-ascii", "",
                            "This is an aggregate TLS report from \(submitter) for \(domain) (RFC 8460).", "",
                            "--\(boundary)", "Content-Type: application/tlsrpt+gzip; name=\"\(filename)\"",
                            "Content-Disposition: attachment; filename=\"\(filename)\"", "Content-Transfer-Encoding: base64", ""]
        let base64 = Data(gz).base64EncodedString()
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 76, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        lines += ["--\(boundary)--", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// The report id as §5.1's `unique-id`: letters and digits only.
    static func reportSuffix(_ id: String) -> String {
        String(id.filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }
}
