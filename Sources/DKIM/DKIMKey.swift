// DKIMKey: a DKIM private key, RSA (at least 2048 bits) or Ed25519, read from the PEM that
// `openssl genpkey` writes (PKCS#8; PKCS#1 RSA too), from a file that must be private (0600).

import Crypto
import _CryptoExtras
import Foundation
import SafeIO

/// The signing algorithms (RFC 6376 `a=` values); rsa-sha1 is never offered (RFC 8301).
public enum DKIMAlgorithm: String, Sendable, Equatable {
    case rsaSHA256 = "rsa-sha256"
    case ed25519SHA256 = "ed25519-sha256"

    /// The `k=` value of the key record.
    public var keyType: String { self == .rsaSHA256 ? "rsa" : "ed25519" }
}

public struct DKIMKey: Sendable {
    enum Material: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    let material: Material

    init(material: Material) { self.material = material }

    public var algorithm: DKIMAlgorithm {
        switch material {
        case .rsa: return .rsaSHA256
        case .ed25519: return .ed25519SHA256
        }
    }

    /// Parses a PEM private key. Ed25519 must be PKCS#8 ("PRIVATE KEY"); RSA may be PKCS#8 or
    /// PKCS#1 ("RSA PRIVATE KEY") and must have at least 2048 bits.
    public init(pemRepresentation pem: String) throws {
        if let ed = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem) {
            material = .ed25519(ed)
            return
        }
        let rsa: _RSA.Signing.PrivateKey
        do {
            rsa = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem)
        } catch {
            throw DKIMError.unsupportedKey("not a PEM RSA or Ed25519 private key (unencrypted PKCS#8, as `openssl genpkey` writes)")
        }
        guard rsa.keySizeInBits >= 2048 else { throw DKIMError.rsaKeyTooShort(bits: rsa.keySizeInBits) }
        material = .rsa(rsa)
    }

    /// Reads the key from `pemFile`, refusing a symlink, a file that group or others may access and
    /// one another user owns.
    public static func load(pemFile path: String) throws -> DKIMKey {
        let bytes: [UInt8]
        do {
            // One open, checked on its descriptor: no stat-then-open race, no symlink followed.
            guard let read = try SafeIO.readPrivate(path) else {
                throw DKIMError.unreadableKey("\(path): no such file")
            }
            bytes = read
        } catch let error as SafeIOError where error.operation == .insecurePermissions {
            throw DKIMError.keyFileNotPrivate(path: path, mode: error.mode ?? 0)
        } catch let error as SafeIOError {
            throw DKIMError.unreadableKey(error.description)
        }
        do {
            return try DKIMKey(pemRepresentation: String(decoding: bytes, as: UTF8.self))
        } catch let error as DKIMError {
            switch error {
            case .unsupportedKey(let why): throw DKIMError.unsupportedKey("\(path): \(why)")
            default: throw error
            }
        }
    }

    /// The public key as the `p=` tag carries it: base64 of the SubjectPublicKeyInfo DER for RSA,
    /// of the raw 32-byte key for Ed25519 (RFC 8463 §4.2).
    public var publicKeyBase64: String {
        switch material {
        case .rsa(let key): return key.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let key): return key.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// The TXT record value to publish at `SELECTOR._domainkey.DOMAIN`.
    public var dnsTXT: String { "v=DKIM1; k=\(algorithm.keyType); p=\(publicKeyBase64)" }

    /// The private key as PKCS#8 PEM ("PRIVATE KEY"), the form `openssl genpkey` writes.
    public var privateKeyPEM: String {
        switch material {
        case .rsa(let key): return key.pkcs8PEMRepresentation
        case .ed25519(let key): return key.pemRepresentation
        }
    }

    /// Signs the DKIM hash input: RSASSA-PKCS1-v1_5 over its SHA-256 (rsa-sha256), or PureEdDSA
    /// over its SHA-256 digest (ed25519-sha256, RFC 8463 §3).
    func sign(_ input: [UInt8]) throws -> [UInt8] {
        do {
            switch material {
            case .rsa(let key):
                return Array(try key.signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation)
            case .ed25519(let key):
                let digest = Array(SHA256.hash(data: input))
                return Array(try key.signature(for: digest))
            }
        } catch {
            throw DKIMError.signingFailed(String(describing: error))
        }
    }
}
