// AuditBundle: `sealgate audit export` and `audit verify --bundle`: a tar of the period's records
// (their canonical lines), SHA256SUMS, a manifest (range; each chain's run and head: SQLite has one
// chain, PostgreSQL one per node) and its Ed25519 signature.

import Audit
import Crypto
import _CryptoExtras
import Foundation

enum AuditBundle {
    static let format = "sealgate-audit-bundle-1"
    static let recordsFile = "records.jsonl", sumsFile = "SHA256SUMS", manifestFile = "manifest.json"
    static let signatureFile = "manifest.json.sig", keyFile = "signing-key.pem"

    /// The manifest: what the bundle holds, where each chain's run sits in that chain, and the heads when made.
    struct Manifest: Codable, Equatable {
        var format: String
        var created: String
        var since: String?
        var until: String?
        var count: Int
        /// In the order of their records in records.jsonl: SQLite's one chain, or each PostgreSQL node's.
        var chains: [Chain]
        var nodes: [String]
        var recordsSHA256: String
        var signingKey: String

        enum CodingKeys: String, CodingKey {
            case format, created, since, until, count, chains, nodes, recordsSHA256 = "records_sha256", signingKey = "signing_key"
        }
    }

    /// One chain's run: `count` consecutive lines of records.jsonl (none when the period has none).
    struct Chain: Codable, Equatable {
        /// The PostgreSQL node whose chain this is; absent for SQLite's one chain.
        var node: String?
        var count: Int
        var firstSequence: Int64?
        var lastSequence: Int64?
        /// The previous_hash of the run's first record (64 zeros from the start of the chain).
        var previousHash: String?
        var lastHash: String?
        var headSequence: Int64
        var headHash: String

        enum CodingKeys: String, CodingKey {
            case node, count, firstSequence = "first_sequence", lastSequence = "last_sequence", previousHash = "previous_hash"
            case lastHash = "last_hash", headSequence = "head_sequence", headHash = "head_hash"
        }

        init(_ c: ExportedChain) {
            node = c.node; count = c.records.count
            firstSequence = c.records.first?.sequence; lastSequence = c.records.last?.sequence
            previousHash = c.records.first?.previousHash; lastHash = c.records.last?.hash
            headSequence = c.headSequence; headHash = c.headHash
        }

        /// "node gw1 sequence 1-7" (no node for SQLite's chain; "no records" for an empty run).
        var span: String {
            (node.map { "node \($0) " } ?? "") + (firstSequence.map { "sequence \($0)-\(lastSequence ?? $0)" } ?? "no records")
        }
    }

    static func make(chains: [ExportedChain], since: Date?, until: Date?,
                     key: Curve25519.Signing.PrivateKey, now: Date) throws -> (archive: [UInt8], manifest: Manifest) {
        let records = chains.flatMap(\.records)
        let lines = Array(records.map { $0.canonical + "\n" }.joined().utf8)
        let recordsHash = sha256Hex(lines)
        let manifest = Manifest(format: format, created: AuditRendering.iso8601(now), since: since.map(AuditRendering.iso8601),
                                until: until.map(AuditRendering.iso8601), count: records.count, chains: chains.map(Chain.init),
                                nodes: Array(Set(records.map(\.node))).sorted(), recordsSHA256: recordsHash,
                                signingKey: AuditSigningKey.fingerprint(key.publicKey))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let manifestBytes = Array(try encoder.encode(manifest)) + [0x0A]
        let signature = Array(try key.signature(for: manifestBytes))
        let archive = TarArchive.write([
            .init(name: recordsFile, bytes: lines),
            .init(name: sumsFile, bytes: Array("\(recordsHash)  \(recordsFile)\n".utf8)),
            .init(name: manifestFile, bytes: manifestBytes),
            .init(name: signatureFile, bytes: signature),
            .init(name: keyFile, bytes: Array(key.publicKey.pemRepresentation.utf8) + [0x0A]),
        ], mtime: now)
        return (archive, manifest)
    }

    /// Checks a bundle on its own: the records' hash, the signature by the key inside (and, when
    /// `pinned` is given, that the key is that one), and the chain through every record.
    static func verify(_ archive: [UInt8], pinned: Curve25519.Signing.PublicKey?) -> Result<String, InvalidInput> {
        do {
            let members = try TarArchive.read(archive)
            func member(_ name: String) throws -> [UInt8] {
                guard let m = members.first(where: { $0.name == name }) else { throw InvalidInput("the bundle has no \(name)") }
                return m.bytes
            }
            let manifestBytes = try member(manifestFile), records = try member(recordsFile)
            let key = try Curve25519.Signing.PublicKey(pemRepresentation: String(decoding: try member(keyFile), as: UTF8.self))
            guard key.isValidSignature(try member(signatureFile), for: manifestBytes) else {
                throw InvalidInput("the manifest's signature does not verify with \(keyFile)")
            }
            if let pinned, pinned.rawRepresentation != key.rawRepresentation {
                throw InvalidInput("signed by \(AuditSigningKey.fingerprint(key)), not by the key given (\(AuditSigningKey.fingerprint(pinned)))")
            }
            let manifest = try JSONDecoder().decode(Manifest.self, from: Data(manifestBytes))
            guard manifest.format == format else { throw InvalidInput("unknown bundle format \(manifest.format)") }
            guard manifest.signingKey == AuditSigningKey.fingerprint(key) else { throw InvalidInput("the manifest names another signing key") }
            guard sha256Hex(records) == manifest.recordsSHA256 else {
                throw InvalidInput("\(recordsFile) does not match the manifest's records_sha256 (changed after signing)")
            }
            let lines = String(decoding: records, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast().map(String.init)
            guard lines.count == manifest.count, manifest.chains.map(\.count).reduce(0, +) == lines.count else {
                throw InvalidInput("\(lines.count) records, the manifest says \(manifest.count) in its chains")
            }
            var rest = lines[...], parts: [String] = []
            for chain in manifest.chains {
                let run = Array(rest.prefix(chain.count))
                rest = rest.dropFirst(chain.count)
                try check(run, chain)
                parts.append("\(chain.span) of a chain whose head was \(chain.headSequence) \(chain.headHash)")
            }
            guard !lines.isEmpty else { return .success("intact bundle: no records; signed by \(manifest.signingKey)") }
            return .success("intact bundle: \(lines.count) record(s), " + parts.joined(separator: "; ")
                            + "; signed by \(manifest.signingKey)")
        } catch let error as InvalidInput {
            return .failure(error)
        } catch {
            return .failure(InvalidInput("\(error)"))
        }
    }

    /// One chain's run: every link from its previous_hash to its last_hash, in its node's chain.
    private static func check(_ run: [String], _ chain: Chain) throws {
        guard !run.isEmpty else { return }
        let name = chain.node.map { "node \($0)'s chain" } ?? "chain"
        guard let first = chain.firstSequence, let previous = chain.previousHash else {
            throw InvalidInput("the manifest gives \(name) records but no first_sequence and previous_hash")
        }
        switch CanonicalRun.check(run, firstSequence: first, previousHash: previous, node: chain.node) {
        case .failure(let error): throw InvalidInput("\(name) broken: \(error)")
        case .success(let last):
            guard last == chain.lastHash, chain.lastSequence == first + Int64(run.count) - 1 else {
                throw InvalidInput("the last record of \(name) is not the manifest's last_hash and last_sequence")
            }
        }
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }
}
