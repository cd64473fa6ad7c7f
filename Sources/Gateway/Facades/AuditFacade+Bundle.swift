// AuditFacade's signed bundles: `sealgate audit export` writes a period's records with a signed
// manifest (AuditBundle); `sealgate audit verify --bundle` checks one without the store.

import Audit
import Crypto
import _CryptoExtras
import Foundation
import SafeIO

extension AuditFacade {
    /// `sealgate audit export`: the period's records as a signed bundle written to `out` (0600).
    /// Returns the line to print: what was written and the signing key's fingerprint.
    public func export(since: String?, until: String?, out: String, now: Date = Date()) throws -> String {
        var filters = AuditFilters()
        filters.since = since; filters.until = until
        let range = try filters.query()
        let handle = try open()
        defer { handle.close() }
        let key = try AuditSigningKey.loadOrCreate(path: config.auditSigningKeyPath)
        let (archive, manifest) = try AuditBundle.make(chains: try handle.store.exportChains(since: range.since, until: range.until),
                                                       since: range.since, until: range.until, key: key, now: now)
        try SafeIO.writeFile(out, archive, mode: 0o600)
        let chains = manifest.chains.map { "\($0.span), head \($0.headSequence)" }
        return "\(out): \(manifest.count) record(s), " + (chains.isEmpty ? "no records" : chains.joined(separator: "; "))
            + "; signed by \(manifest.signingKey)"
    }

    /// `sealgate audit verify --bundle FILE [--key PEM]`: the bundle checked on its own.
    public func verifyBundle(path: String, key keyPath: String?) throws -> ChainCheck {
        guard let archive = try SafeIO.read(path) else { throw InvalidInput("\(path): no such file") }
        var pinned: Curve25519.Signing.PublicKey?
        if let keyPath {
            guard let pem = try SafeIO.read(keyPath), let key = try? Curve25519.Signing.PublicKey(
                pemRepresentation: String(decoding: pem, as: UTF8.self)) else {
                throw InvalidInput("--key \(keyPath): not an Ed25519 public key in PEM")
            }
            pinned = key
        }
        switch AuditBundle.verify(archive, pinned: pinned) {
        case .success(let text): return ChainCheck(text: text, intact: true)
        case .failure(let error): return ChainCheck(text: "BROKEN bundle: \(error.description)", intact: false)
        }
    }
}
