// Decoding `tls_reporting:` (RFC 8460 reports): from, organisation, contact, send_after, state_file;
// each bad value reported at its file:line:col.

import MailCore
import Yams
import YAMLSyntax

extension ConfigDecoder {
    func decodeTLSReporting(_ node: Node, keyMark: Mark?) {
        guard let section = reader.section(node, name: "tls_reporting", allowed: ConfigSchema.tlsReporting, keyMark: keyMark) else {
            return
        }
        var reporting = TLSReportingConfig.defaults(baseDirectory: baseDirectory, hostname: config.hostname)
        if let n = section["from"], let text = reader.string(n, "tls_reporting.from") {
            do { reporting.from = try MailAddressParser.parse(text, allowUTF8: true) } catch {
                reader.error("tls_reporting.from: '\(text)' is not a mail address: \(error)", at: n)
            }
        }
        for (key, path) in [("organisation", \TLSReportingConfig.organisation), ("contact", \TLSReportingConfig.contact)] {
            guard let n = section[key], let text = reader.string(n, "tls_reporting.\(key)") else { continue }
            if text.isEmpty || text.count > 200 || text.contains(where: \.isNewline) {
                reader.error("tls_reporting.\(key): must be one line of 1 to 200 characters", at: n)
            } else {
                reporting[keyPath: path] = text
            }
        }
        if let n = section["send_after"], let v = reader.duration(n, "tls_reporting.send_after") {
            if (0..<86_400).contains(v) { reporting.sendAfter = v } else {
                reader.error("tls_reporting.send_after: must be from 0s to under 24h (after midnight UTC)", at: n)
            }
        }
        if let n = section["state_file"], let text = reader.string(n, "tls_reporting.state_file") {
            if text.isEmpty { reader.error("tls_reporting.state_file: must not be empty", at: n) } else {
                reporting.statePath = ConfigValueParsers.resolvePath(text, base: baseDirectory)
            }
        }
        // RFC 8460 §5.3: report mail MUST carry a DKIM signature of the reporting domain; receivers ignore it otherwise.
        if case .name(let domain) = reporting.from.domain,
           !config.dkimDomains.contains(where: { $0.domain.lowercased() == domain.ascii.lowercased() }) {
            reader.error("tls_reporting.from: \(reporting.from) must be DKIM-signed (RFC 8460 §5.3): add \(domain.ascii) to "
                         + "dkim.domains", at: section["from"] ?? node)
        }
        config.tlsReporting = reporting
    }
}
