// TLSReportingConfig: `tls_reporting:`, the daily SMTP TLS Reports (RFC 8460) this gateway mails to the
// recipient domains that ask for them: the From address, the names in the report, when to send.

import MailCore

public struct TLSReportingConfig: Sendable, Equatable {
    /// Envelope sender and From of the report mail (put its domain in dkim.domains: RFC 8460 §5.3
    /// asks for a DKIM signature).
    public var from: MailAddress
    /// `organization-name`; nil: portal.organisation, else the hostname.
    public var organisation: String?
    /// `contact-info`; nil: mailto:postmaster@HOSTNAME.
    public var contact: String?
    /// How long after midnight UTC the previous day's reports go out.
    public var sendAfter: Double = 3600
    /// The last day sent (YYYY-MM-DD), so a restart does not send a day twice.
    public var statePath: String

    static func defaults(baseDirectory: String, hostname: String) -> TLSReportingConfig {
        let from = (try? MailAddressParser.parse("tlsrpt@\(hostname)", allowUTF8: true))
            ?? (try! MailAddressParser.parse("tlsrpt@localhost", allowUTF8: true))
        return TLSReportingConfig(from: from, organisation: nil, contact: nil,
                                  statePath: ConfigValueParsers.resolvePath("var/tlsrpt.last", base: baseDirectory))
    }
}
