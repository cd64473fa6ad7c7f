// OrganisationSigningKeys: the organisation's S/MIME and OpenPGP signing keys per sender domain,
// read from the files `smime.signing` and `pgp.signing` name (private keys must be 0600).
import Foundation
import MessageCrypto
import SafeIO

public struct OrganisationSigningKeys: Sendable {
    /// By sender domain, lower-case A-label.
    public var smime: [String: SMIMESigningIdentity]
    public var pgp: [String: PGPSigningKey]

    public static let none = OrganisationSigningKeys(smime: [:], pgp: [:])

    public init(smime: [String: SMIMESigningIdentity], pgp: [String: PGPSigningKey]) {
        self.smime = smime
        self.pgp = pgp
    }

    /// Reads and checks every configured key (check-config has already done so once; a file that
    /// changed since is refused here with its config key, e.g. "smime.signing.example.org.key: …").
    public static func load(smime: [SMIMESigningConfig], pgp: [PGPSigningConfig]) throws -> OrganisationSigningKeys {
        var keys = OrganisationSigningKeys.none
        for entry in smime {
            do { keys.smime[entry.domain] = try SigningKeyFiles.smime(entry) } catch let refusal as SigningFileRefusal {
                throw SigningFileRefusal(field: refusal.field, reason: "smime.signing.\(entry.domain).\(refusal.field): \(refusal.reason)")
            }
        }
        for entry in pgp {
            do { keys.pgp[entry.domain] = try SigningKeyFiles.pgp(entry) } catch let refusal as SigningFileRefusal {
                throw SigningFileRefusal(field: refusal.field, reason: "pgp.signing.\(entry.domain).\(refusal.field): \(refusal.reason)")
            }
        }
        return keys
    }
}

/// Why a signing file was refused: the config key it is named by ("certificate", "key", "chain")
/// and one line naming the file (never key material).
public struct SigningFileRefusal: Error, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String
    public var description: String { reason }
}

enum SigningKeyFiles {
    static func smime(_ entry: SMIMESigningConfig) throws -> SMIMESigningIdentity {
        let certificate = try read(entry.certificatePath, field: "certificate", privateKey: false)
        let key = try read(entry.keyPath, field: "key", privateKey: true)
        let chain = try entry.chainPath.map { try read($0, field: "chain", privateKey: false) } ?? []
        do {
            return try SMIMESigningIdentity(certificatePEM: certificate, keyPEM: key, chainPEM: chain)
        } catch let refusal as SMIMESigningIdentity.Refusal {
            let path = refusal.part == .certificate ? entry.certificatePath : refusal.part == .key ? entry.keyPath : entry.chainPath ?? ""
            throw SigningFileRefusal(field: refusal.part.rawValue, reason: "\(path): \(refusal.reason)")
        }
    }

    static func pgp(_ entry: PGPSigningConfig) throws -> PGPSigningKey {
        let key = try read(entry.keyPath, field: "key", privateKey: true)
        do {
            return try PGPSigningKey(secretKey: key)
        } catch {
            throw SigningFileRefusal(field: "key", reason: "\(entry.keyPath): \(error)")
        }
    }

    /// The file's bytes. A private key must be 0600 or stricter and this user's (as DKIM keys are);
    /// no symlink is followed for it.
    private static func read(_ path: String, field: String, privateKey: Bool) throws -> [UInt8] {
        do {
            guard let bytes = try privateKey ? SafeIO.readPrivate(path) : SafeIO.read(path) else {
                throw SigningFileRefusal(field: field, reason: "\(path): no such file")
            }
            return bytes
        } catch let error as SafeIOError where error.operation == .insecurePermissions {
            throw SigningFileRefusal(field: field, reason: error.description + (error.errno == EACCES ? "; chmod 600 it" : ""))
        } catch let error as SafeIOError {
            throw SigningFileRefusal(field: field, reason: error.description)
        }
    }
}
