// DANEMatcher: authenticates an SMTP server's certificate chain with TLSA records (RFC 7672 §3,
// RFC 6698, RFC 7671). DANE-EE pins the leaf; DANE-TA pins an issuer, and then the name counts.

import DNS
import Foundation
import MailCore
import SwiftASN1
import X509

public enum DANEMatcher {
    /// - Parameters:
    ///   - records: the TLSA RRset (unusable records are ignored).
    ///   - chain: DER certificates, leaf first, as the server sent them.
    ///   - names: the reference names for DANE-TA: the MX host, then the domain.
    ///   - now: the time DANE-TA checks the validity periods against.
    public static func match(_ records: [TLSARecord], chain: [[UInt8]], names: [String], now: Date) -> DANEMatch {
        let usable = records.filter(TLSAAssociation.isUsable)
        guard !usable.isEmpty else { return .noUsableRecords }
        guard let leafDER = chain.first else { return .noMatch("the server presented no certificate") }

        // DANE-EE(3): the leaf itself; names and validity dates do not matter (RFC 7672 §3.1.1).
        let endEntity = usable.filter { $0.usage == 3 }
        if endEntity.contains(where: { TLSAAssociation.matches($0, certificateDER: leafDER) }) {
            return .matched(.daneEE)
        }
        var reasons: [String] = []
        if !endEntity.isEmpty { reasons.append("no DANE-EE record matches the server certificate") }

        let trustAnchor = usable.filter { $0.usage == 2 }
        if !trustAnchor.isEmpty {
            switch DANETrustAnchorCheck(chain: chain, names: names, now: now).evaluate(trustAnchor) {
            case .success: return .matched(.daneTA)
            case .failure(let why): reasons.append(why.reason)
            }
        }
        return .noMatch(reasons.joined(separator: "; "))
    }
}

/// DANE-TA(2): find a trust anchor the records name, check the leaf's name, and check that the
/// chain from the leaf up to that anchor is signed link by link (RFC 7671 §5.2.2) and that every
/// certificate below the anchor is within its validity period. Unlike DANE-EE, where RFC 7672
/// §3.1.1 says to ignore expiry, a DANE-TA chain is validated as PKIX would, with the anchor taken
/// from DNSSEC: an expired leaf or intermediate fails, as with OpenSSL's DANE in Postfix. The
/// anchor's own dates are not judged (the TLSA record carries its trust; OpenSSL may be stricter
/// there). Every issuer candidate is tried, so a stale duplicate or a dead-end cross-certificate in
/// what the server sent does not hide a good path.
struct DANETrustAnchorCheck {
    struct Failure: Error { var reason: String }
    struct Anchor { var key: Certificate.PublicKey; var subject: DistinguishedName?; var label: String }

    let chain: [[UInt8]]
    let names: [String]
    let now: Date

    func evaluate(_ records: [TLSARecord]) -> Result<Void, Failure> {
        let anchors = records.flatMap(anchors(for:))
        guard !anchors.isEmpty else {
            return .failure(Failure(reason: "no DANE-TA record matches a certificate in the chain"))
        }
        guard let leaf = try? Certificate(derEncoded: chain[0]) else {
            return .failure(Failure(reason: "the server certificate does not parse"))
        }
        guard PKIXNameMatcher.matches(certificate: leaf, anyOf: names) else {
            return .failure(Failure(reason: "DANE-TA matched, but the server certificate names none of \(names.joined(separator: ", "))"))
        }
        let pool = chain.dropFirst().compactMap { try? Certificate(derEncoded: $0) }
        var outOfDate: String?
        for anchor in anchors {
            var budget = 256  // signature checks: a hostile chain cannot make the search explode
            let paths = signedPaths(from: [leaf], upTo: anchor, through: pool, used: [], budget: &budget)
            if paths.contains(where: { $0.allSatisfy(isCurrent) }) { return .success(()) }
            guard let path = paths.first, let stale = path.first(where: { !isCurrent($0) }) else { continue }
            let when = stale.notValidAfter < now ? "expired \(stale.notValidAfter)" : "not valid before \(stale.notValidBefore)"
            outOfDate = "DANE-TA matched \(anchor.label), but \(stale == leaf ? "the server certificate" : "\(stale.subject)") \(when)"
        }
        if let outOfDate { return .failure(Failure(reason: outOfDate)) }
        let labels = anchors.map(\.label).joined(separator: ", ")
        return .failure(Failure(reason: "DANE-TA matched \(labels), but the chain to it is not correctly signed"))
    }

    /// The anchors one record designates: a certificate the server sent (other than the leaf), or,
    /// for full-value records (2 0 0, 2 1 0), the certificate or key carried in the record itself.
    private func anchors(for record: TLSARecord) -> [Anchor] {
        var found: [Anchor] = []
        for der in chain.dropFirst() where TLSAAssociation.matches(record, certificateDER: der) {
            if let cert = try? Certificate(derEncoded: der) {
                found.append(Anchor(key: cert.publicKey, subject: cert.subject, label: "\(cert.subject)"))
            }
        }
        if found.isEmpty && record.matchingType == 0 {
            if record.selector == 0, let cert = try? Certificate(derEncoded: record.data) {
                found.append(Anchor(key: cert.publicKey, subject: cert.subject, label: "\(cert.subject) (from TLSA)"))
            } else if record.selector == 1, let key = CertificateDER.publicKey(fromSPKI: record.data) {
                found.append(Anchor(key: key, subject: nil, label: "a public key (from TLSA)"))
            }
        }
        return found
    }

    /// Within its validity period. Compared one by one: a server's certificate may carry
    /// inverted dates, which must not trap (no range is built from them).
    private func isCurrent(_ cert: Certificate) -> Bool {
        cert.notValidBefore <= now && now <= cert.notValidAfter
    }

    /// Every path of issuer links from the end of `path` up to the anchor: each step must be a CA
    /// certificate from the chain, not used before on the path, whose subject is the issuer name
    /// and whose key verifies the signature. Each path lists the certificates below the anchor,
    /// leaf first. Depth-first over what the server sent, at most 8 deep and `budget` signature
    /// checks in all.
    private func signedPaths(from path: [Certificate], upTo anchor: Anchor, through pool: [Certificate],
                             used: Set<Int>, budget: inout Int) -> [[Certificate]] {
        guard let current = path.last, path.count <= 8, budget > 0 else { return [] }
        budget -= 1
        if anchor.subject.map({ $0 == current.issuer }) ?? true,
           anchor.key.isValidSignature(current.signature, for: current) {
            return [path]
        }
        var found: [[Certificate]] = []
        for i in pool.indices where !used.contains(i) && pool[i].subject == current.issuer && Self.isCA(pool[i]) {
            guard budget > 0 else { break }
            budget -= 1
            guard pool[i].publicKey.isValidSignature(current.signature, for: current) else { continue }
            found += signedPaths(from: path + [pool[i]], upTo: anchor, through: pool, used: used.union([i]), budget: &budget)
            if found.contains(where: { $0.allSatisfy(isCurrent) }) { break }
        }
        return found
    }

    private static func isCA(_ cert: Certificate) -> Bool {
        if case .isCertificateAuthority? = try? cert.extensions.basicConstraints { return true }
        return false
    }
}
