// PKIXNameMatcher: does a certificate carry a DNS name, by RFC 6125's rules (SAN dNSName first,
// the subject CN only when there is no dNSName SAN; a wildcard is the whole left-most label).

import X509
import SwiftASN1

public enum PKIXNameMatcher {
    /// Whether the certificate (DER) is valid for `name`. An unparsable certificate matches nothing.
    public static func matches(certificateDER: [UInt8], name: String) -> Bool {
        guard let cert = try? Certificate(derEncoded: certificateDER) else { return false }
        return matches(certificate: cert, name: name)
    }

    /// Whether the certificate carries one of `names`.
    public static func matches(certificate: Certificate, anyOf names: [String]) -> Bool {
        names.contains { matches(certificate: certificate, name: $0) }
    }

    public static func matches(certificate: Certificate, name: String) -> Bool {
        presentedNames(certificate).contains { matches(pattern: $0, name: name) }
    }

    /// The DNS names the certificate presents: SAN dNSNames, or, if there are none, the subject CNs.
    public static func presentedNames(_ cert: Certificate) -> [String] {
        var sanNames: [String] = []
        if let sans = try? cert.extensions.subjectAlternativeNames {
            for general in sans {
                if case .dnsName(let dns) = general { sanNames.append(dns) }
            }
        }
        if !sanNames.isEmpty { return sanNames }
        var cns: [String] = []
        for rdn in cert.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                if let text = String(attribute.value) { cns.append(text) }
            }
        }
        return cns
    }

    /// One presented identifier against one reference name. `*.example.com` matches exactly one
    /// extra label; partial wildcards (`f*.example.com`), `*` elsewhere, and `*.com` match nothing.
    public static func matches(pattern rawPattern: String, name rawName: String) -> Bool {
        let pattern = rawPattern.normalizedDomain
        let name = rawName.normalizedDomain
        guard !name.isEmpty, !pattern.isEmpty, !name.contains("*") else { return false }
        guard pattern.contains("*") else { return pattern == name }
        let patternLabels = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let nameLabels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard patternLabels.first == "*", patternLabels.dropFirst().allSatisfy({ !$0.isEmpty && !$0.contains("*") }),
              patternLabels.count >= 3, nameLabels.count == patternLabels.count,
              let first = nameLabels.first, !first.isEmpty else { return false }
        return Array(nameLabels.dropFirst()) == Array(patternLabels.dropFirst())
    }
}
