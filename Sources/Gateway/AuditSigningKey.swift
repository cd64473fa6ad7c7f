// AuditSigningKey: the Ed25519 key that signs audit export bundles, a PKCS#8 PEM file (mode 0600,
// `audit.signing_key`, default certs/audit-signing.key) made on first use; openssl reads it too.

import Crypto
import _CryptoExtras
import Foundation
import SafeIO

enum AuditSigningKey {
    struct Unusable: Error, CustomStringConvertible { let description: String }

    /// Reads the key, or makes it (exclusively: two exports at once both end up with the one key).
    static func loadOrCreate(path: String) throws -> Curve25519.Signing.PrivateKey {
        if let key = try read(path) { return key }
        try SafeIO.makeDirectory(SafeIO.directory(of: path), mode: 0o700, parents: true)
        let key = Curve25519.Signing.PrivateKey()
        do {
            try SafeIO.createSynced(path, Array((key.pemRepresentation + "\n").utf8), mode: 0o600)
            try SafeIO.syncDirectory(SafeIO.directory(of: path))
            return key
        } catch let error as SafeIOError where error.errno == EEXIST {
            guard let other = try read(path) else { throw error }
            return other
        }
    }

    /// The key when its file exists (verify never makes one).
    static func existing(path: String) throws -> Curve25519.Signing.PrivateKey? { try read(path) }

    private static func read(_ path: String) throws -> Curve25519.Signing.PrivateKey? {
        guard let bytes = try SafeIO.readPrivate(path) else { return nil }
        do { return try Curve25519.Signing.PrivateKey(pemRepresentation: String(decoding: bytes, as: UTF8.self)) } catch {
            throw Unusable(description: "\(path): not an Ed25519 private key in PEM (PKCS#8): \(error)")
        }
    }

    /// `sha256:` and the hex SHA-256 of the public key's DER (SubjectPublicKeyInfo), as
    /// `openssl pkey -pubin -in signing-key.pem -outform DER | sha256sum` prints it.
    static func fingerprint(_ key: Curve25519.Signing.PublicKey) -> String {
        "sha256:" + AuditBundle.sha256Hex(Array(key.derRepresentation))
    }
}
