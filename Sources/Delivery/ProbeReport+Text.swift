// ProbeReport+Text: the human rendering of `sealgate probe` (one block per MX, the verdict last)
// and the JSON rendering (sorted keys, for scripts and the end-to-end tests).

import Foundation

extension ProbeReport {
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase   // like every other JSON Sealgate prints
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    public var text: String {
        var lines = ["domain: \(domain)", "configured level: \(level)"]
        if let mxFailure { lines.append("MX: \(mxFailure)") }
        if let mxDNSSEC { lines.append("MX RRset: DNSSEC \(mxDNSSEC)") }
        lines.append("MTA-STS: " + (mtaSTS.map(Self.describe) ?? "not checked"))
        for host in hosts { lines += Self.lines(host) }
        lines.append("verdict:")
        for host in hosts {
            let verdict = host.meetsRequirement == true ? "meets" : "does NOT meet"
            lines.append("  \(host.host): \(verdict) \(host.requirement ?? "the requirement")"
                         + (host.unmetReason.map { " (\($0))" } ?? ""))
        }
        if hosts.isEmpty { lines.append("  no MX host to deliver to") }
        return lines.joined(separator: "\n")
    }

    static func describe(_ sts: ProbeMTASTS) -> String {
        if let failure = sts.failure { return "lookup failed: \(failure)" }
        guard let mode = sts.mode else { return "no policy" }
        return "mode \(mode), mx \(sts.mx.joined(separator: ", ")), max_age \(sts.maxAge ?? 0)"
    }

    static func lines(_ host: ProbeHost) -> [String] {
        var out = ["MX \(host.preference) \(host.host) [\(host.addresses.joined(separator: ", "))]"]
        if let f = host.addressFailure { out.append("  addresses: \(f)") }
        if let status = host.tlsaStatus {
            out.append("  TLSA _25._tcp.\(host.host): \(host.tlsa.count) record(s), DNSSEC \(status)")
            for r in host.tlsa { out.append("    \(r.usage) \(r.selector) \(r.matchingType) \(r.data)") }
        }
        if let dane = host.daneResult { out.append("  DANE: \(dane)") }
        if let tls = host.starttls { out.append("  " + describe(tls)) }
        if let requirement = host.requirement { out.append("  requirement: \(requirement)") }
        if let failure = host.planFailure { out.append("  plan: \(failure)") }
        for note in host.notes { out.append("  note: \(note)") }
        return out
    }

    static func describe(_ tls: ProbeTLS) -> String {
        if let failure = tls.failure, tls.version == nil { return "STARTTLS [\(tls.address)]:\(tls.port): failed: \(failure)" }
        guard tls.offered == true else { return "STARTTLS [\(tls.address)]:\(tls.port): not offered" }
        var text = "STARTTLS [\(tls.address)]:\(tls.port): \(tls.version ?? "?") \(tls.cipher ?? "?") (\(tls.bits ?? 0) bits)"
        text += ", subject CN=\(tls.subject ?? "-"), issuer CN=\(tls.issuer ?? "-")"
        text += ", verify=\(tls.verify ?? "NONE")"
        if let trust = tls.trust { text += " trust=\(trust)" }
        if let why = tls.verifyReason { text += " (\(why))" }
        if let days = tls.daysUntilExpiry { text += ", expires in \(days) days" }
        return text
    }
}
