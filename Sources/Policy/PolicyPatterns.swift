// Matching for the normalised patterns: domain wildcards, address globs (`*`, `?`) and media
// types. Everything here is compared lower-cased, with domains in A-label form.
import Foundation
import MailCore

enum PolicyPatterns {
    /// The form patterns are written in: lower-cased, IDN as A-labels, literals as `[192.0.2.1]`.
    static func domainKey(_ domain: MailDomain) -> String {
        if case .name(let name) = domain { return name.ascii }
        return domain.description.lowercased()
    }

    static func domainMatches(_ pattern: String, _ domain: String) -> Bool {
        if pattern == "*" { return true }
        if pattern.hasPrefix("*.") { return domain.hasSuffix(String(pattern.dropFirst(1))) }
        return pattern == domain
    }

    /// `address` nil is the null sender `<>`.
    static func addressMatches(_ pattern: String, _ address: MailAddress?) -> Bool {
        guard let address else { return pattern == "<>" }
        guard let at = pattern.lastIndex(of: "@") else {
            return pattern != "<>" && domainMatches(pattern, domainKey(address.domain))
        }
        let local = String(pattern[..<at]), domain = String(pattern[pattern.index(after: at)...])
        return glob(local, address.localPart.lowercased()) && glob(domain, domainKey(address.domain))
    }

    /// `image/*` matches any image type; parameters after `;` are ignored.
    static func mediaTypeMatches(_ pattern: String, _ contentType: String) -> Bool {
        let type = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return glob(pattern, type.lowercased())
    }

    /// Shell-style glob over characters: `*` any run, `?` any one character.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0
        var star: Int?, resume = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; resume = ti; pi += 1
            } else if let s = star {
                pi = s + 1; resume += 1; ti = resume
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
