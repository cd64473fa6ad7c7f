// DKIMFacade: `sealgate dkim keygen`: makes a DKIM key, writes it 0600 (never over an existing
// key) under the config's certs/dkim/ by default, and returns the DNS record to publish.

import DKIM
import MailCore
import SafeIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The key types `sealgate dkim keygen --algorithm` offers.
public enum DKIMKeyType: String, CaseIterable, Sendable {
    case rsa
    case ed25519
}

/// What keygen made: where the key is and the record that publishes its public half.
public struct DKIMKeygenResult: Equatable, Sendable {
    public let keyPath: String
    /// The TXT record value (`v=DKIM1; k=...; p=...`).
    public let txt: String
    /// `SELECTOR._domainkey.DOMAIN. IN TXT "..."`, the value cut into strings of at most 255 bytes.
    public let zoneLine: String
}

/// Keygen refused to run or failed; `description` is one line for the terminal.
public struct DKIMKeygenError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

public struct DKIMFacade {
    let baseDirectory: String
    let currentDirectory: String

    /// Relative default paths resolve against the config file's directory (the current
    /// directory when no config file was read).
    public init(config: GatewayConfig, currentDirectory: String) {
        if let source = config.sourcePath {
            baseDirectory = ConfigValueParsers.resolvePath("..", base: source)
        } else {
            baseDirectory = currentDirectory
        }
        self.currentDirectory = currentDirectory
    }

    /// `certs/dkim/DOMAIN.SELECTOR.key` under the config file's directory.
    public func defaultKeyPath(domain: String, selector: String) throws -> String {
        let (d, s) = try Self.validated(domain: domain, selector: selector)
        return ConfigValueParsers.resolvePath("certs/dkim/\(d.ascii).\(s).key", base: baseDirectory)
    }

    /// Generates a key and writes it to `out` (relative to the current directory) or to the
    /// default path, whose directory is created 0700. Throws `InvalidInput` for a bad domain or
    /// selector, `DKIMKeygenError` when the file exists or cannot be written.
    public func keygen(domain: String, selector: String, type: DKIMKeyType, out: String?) throws -> DKIMKeygenResult {
        let (d, s) = try Self.validated(domain: domain, selector: selector)
        let path: String
        if let out {
            path = ConfigValueParsers.resolvePath(out, base: currentDirectory)
        } else {
            path = try defaultKeyPath(domain: domain, selector: selector)
        }
        // Checked early only to refuse before generating; the exclusive create below is what decides.
        guard !SafeIO.exists(path) else { throw Self.exists(path) }
        let generated: GeneratedDKIMKey
        do {
            generated = try DKIMKeyGenerator.generate(algorithm: type == .rsa ? .rsa2048 : .ed25519)
        } catch {
            throw DKIMKeygenError(description: "\(error)")
        }
        do {
            if out == nil { try SafeIO.makeDirectory(SafeIO.directory(of: path), mode: 0o700, parents: true) }
        } catch {
            throw DKIMKeygenError(description: "cannot write the DKIM key: \(error)")
        }
        try Self.writeNewKey(path, Array(generated.privateKeyPEM.utf8))
        return DKIMKeygenResult(keyPath: path, txt: generated.dnsTXT,
                                zoneLine: DKIMKeyGenerator.zoneLine(domain: d, selector: s, txt: generated.dnsTXT))
    }

    /// Creates the key file exclusively (O_EXCL|O_NOFOLLOW, 0600, fsynced), then syncs its directory:
    /// a file or symlink that appeared at `path` since the check makes this fail, never replaced.
    static func writeNewKey(_ path: String, _ pem: [UInt8]) throws {
        do {
            try SafeIO.createSynced(path, pem, mode: 0o600)
        } catch let error as SafeIOError where error.operation == .create && error.errno == EEXIST {
            throw exists(path)
        } catch {
            throw DKIMKeygenError(description: "cannot write the DKIM key: \(error)")
        }
        do {
            try SafeIO.syncDirectory(SafeIO.directory(of: path))
        } catch {
            throw DKIMKeygenError(description: "cannot sync the DKIM key's directory: \(error)")
        }
    }

    static func exists(_ path: String) -> DKIMKeygenError {
        DKIMKeygenError(description: "\(path) exists; refusing to overwrite a DKIM key (remove it first, or choose another selector)")
    }

    static func validated(domain: String, selector: String) throws -> (DomainName, String) {
        guard let d = DomainName(domain), !domain.contains("/") else { throw InvalidInput("bad domain \(domain)") }
        guard DKIMSigner.isValidSelector(selector) else {
            throw InvalidInput("bad selector \(selector): use letters, digits, hyphens and dots")
        }
        return (d, selector.lowercased())
    }
}
