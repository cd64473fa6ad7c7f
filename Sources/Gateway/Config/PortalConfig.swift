// PortalConfig: the `portal:` section (docs/configuration.md): the HTTPS listener and its
// certificate, the base URL of links, the store and pepper file, names, limits. Restart to change.

import Foundation
import MailCore

public struct PortalConfig: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Links in notices start with it: `https://portal.clinic.example` (no trailing slash).
    public var baseURL: String
    public var certificatePath: String
    public var keyPath: String
    /// FilePortalStore's directory.
    public var storePath: String
    /// The pepper's 0600 key file (made on first start when missing; copy it to every node).
    public var pepperPath: String
    public var organisation: String
    /// The envelope sender and From of notices, codes and receipts.
    public var noticeFrom: MailAddress
    /// Admin overrides of the built-in templates (nil: the built-in ones only).
    public var templatesPath: String?
    /// scrypt's log2 N for new passwords (r = 8, p = 1).
    public var passwordCost: Int = 17
    public var codeLifetime: TimeInterval = 15 * 60
    public var sessionLifetime: TimeInterval = 15 * 60
    public var codesPerHour: Int = 5
    public var lockoutFailures: Int = 5
    public var lockoutDuration: TimeInterval = 3600
    /// The reply's body and attachments together at most (10 MB, as Gmail's web reply limit is of that order).
    public var replyMaxSize: Int = 10_000_000
    public var replyMaxAttachments: Int = 5
    /// How often expired messages are destroyed (one sweep also runs at start).
    public var sweepInterval: TimeInterval = 3600

    /// The defaults for a config file that has a `portal:` section (paths against `baseDirectory`).
    static func defaults(baseDirectory: String, hostname: String) -> PortalConfig {
        func path(_ p: String) -> String { ConfigValueParsers.resolvePath(p, base: baseDirectory) }
        let from = (try? MailAddressParser.parse("portal@\(hostname)", allowUTF8: true))
            ?? (try! MailAddressParser.parse("portal@localhost", allowUTF8: true))
        return PortalConfig(host: "127.0.0.1", port: 8443, baseURL: "https://127.0.0.1:8443",
                            certificatePath: path("certs/portal.pem"), keyPath: path("certs/portal.key"),
                            storePath: path("var/portal"), pepperPath: path("var/portal.pepper"),
                            organisation: hostname, noticeFrom: from, templatesPath: nil)
    }

    public var listenDescription: String { HostPort.render(host: host, port: port) }
}
