// NodeChainsVerification: `audit verify` over a log of several nodes: each node's chain walked on its
// own (first broken link of each), then every quoted head (chain_heads) checked against the chain it names.

import Crypto
import Foundation

public struct NodeChainsVerification: Sendable, Equatable, CustomStringConvertible {
    public struct Chain: Sendable, Equatable {
        public var node: String
        public var result: ChainVerification
        /// The highest sequence stored for the node (its head, whether or not the chain holds up to it).
        public var storedHead: Int64
    }

    /// A head that node `quotedBy` quoted (in its record `quotedIn`) and that `node`'s chain no longer reaches.
    public struct Truncation: Sendable, Equatable {
        public var node: String
        public var sequence: Int64
        public var quotedBy: String
        public var quotedIn: Int64
        public var reason: String
    }

    public var chains: [Chain]
    public var truncations: [Truncation]

    public var isIntact: Bool { chains.allSatisfy(\.result.isIntact) && truncations.isEmpty }

    /// One line per node, then one per truncation: what `sealgate audit verify` prints.
    public var description: String {
        var lines = chains.map { chain -> String in
            switch chain.result {
            case .intact(let count): return "node \(chain.node): intact(count: \(count))"
            case .broken(let at, let reason): return "node \(chain.node): broken(atSequence: \(at), reason: \"\(reason)\")"
            }
        }
        if chains.isEmpty { lines.append("no records") }
        lines += truncations.map {
            "node \($0.node): truncated at sequence \($0.sequence) (quoted by node \($0.quotedBy) record \($0.quotedIn)): \($0.reason)"
        }
        return lines.joined(separator: "\n")
    }

    /// The single-chain answer of `AuditStore.verifyChain()`: the first problem found, or the total count.
    public var summary: ChainVerification {
        for chain in chains { if case .broken(let at, let reason) = chain.result { return .broken(atSequence: at, reason: "node \(chain.node): \(reason)") } }
        if let t = truncations.first {
            return .broken(atSequence: t.sequence, reason: "node \(t.node): truncated (quoted by node \(t.quotedBy) record \(t.quotedIn)): \(t.reason)")
        }
        return .intact(count: chains.reduce(0) { n, c in if case .intact(let k) = c.result { return n + k } else { return n } })
    }
}

/// Walks rows sorted by node, then sequence; collects the heads quoted in the intact part of each chain.
struct NodeChainsWalker {
    struct Quote: Hashable { var node: String; var sequence: Int64; var hash: String; var by: String; var inRecord: Int64 }

    private(set) var chains: [NodeChainsVerification.Chain] = []
    private(set) var quotes: [Quote] = []
    private var current: (node: String, walker: ChainWalker, broken: ChainVerification?, head: Int64)?
    /// Per node, the key its checkpoint must be signed with (this node's own audit.signing_key).
    var pinnedKeys: [String: Curve25519.Signing.PublicKey] = [:]
    /// Per node, the sequence of the checkpoint its chain starts with: quotes of records at or below it
    /// name pruned records, which can no longer be compared.
    private var checkpointAt: [String: Int64] = [:]

    init(pinnedKeys: [String: Curve25519.Signing.PublicKey] = [:]) { self.pinnedKeys = pinnedKeys }

    mutating func check(_ row: StoredAuditRow) {
        if current?.node != row.node {
            finishNode()
            current = (row.node, ChainWalker(pinnedKey: pinnedKeys[row.node]), nil, 0)
        }
        guard var state = current else { return }
        state.head = max(state.head, row.sequence)
        if state.broken == nil {
            if let broken = state.walker.check(row) {
                state.broken = broken
            } else if row.event == "audit_checkpoint" {
                checkpointAt[row.node] = row.sequence
            } else if row.event == "chain_heads", let canonical = try? CanonicalRecord.decode(row.canonical),
                      case .chainHeads(let heads) = canonical.event {
                quotes += heads.heads.map { Quote(node: $0.node, sequence: $0.sequence, hash: $0.hash, by: row.node, inRecord: row.sequence) }
            }
        }
        current = state
    }

    private mutating func finishNode() {
        guard let state = current else { return }
        chains.append(.init(node: state.node, result: state.broken ?? state.walker.result, storedHead: state.head))
        current = nil
    }

    /// The positions whose stored hash `finish` needs: quotes that point inside an intact prefix.
    mutating func positionsToLookUp() -> [Quote] {
        finishNode()
        return quotes.filter { q in
            guard let chain = chains.first(where: { $0.node == q.node }) else { return false }
            return q.sequence <= intactLength(chain) && q.sequence > checkpointAt[q.node, default: 0]
        }
    }

    private func intactLength(_ chain: NodeChainsVerification.Chain) -> Int64 {
        switch chain.result {
        case .intact: return chain.storedHead
        case .broken(let at, _): return at - 1
        }
    }

    /// The verdict; `hashes` holds the stored hash for each position `positionsToLookUp` named.
    mutating func finish(hashes: [String: String]) -> NodeChainsVerification {
        finishNode()
        var truncations: [NodeChainsVerification.Truncation] = []
        for q in quotes {
            func add(_ reason: String) {
                truncations.append(.init(node: q.node, sequence: q.sequence, quotedBy: q.by, quotedIn: q.inRecord, reason: reason))
            }
            guard let chain = chains.first(where: { $0.node == q.node }) else {
                add("node \(q.node) has no records, but its head was quoted at sequence \(q.sequence)"); continue
            }
            if q.sequence > chain.storedHead {
                add("the chain ends at sequence \(chain.storedHead), but its head was quoted at sequence \(q.sequence)")
            } else if q.sequence <= intactLength(chain), q.sequence > checkpointAt[q.node, default: 0], let stored = hashes[Self.key(q.node, q.sequence)], stored != q.hash {
                add("record \(q.sequence) has hash \(stored.prefix(16))…, not the quoted \(q.hash.prefix(16))… (the chain was rewritten)")
            }
        }
        var seen = Set<String>()
        truncations = truncations.filter { seen.insert("\($0.node)/\($0.sequence)/\($0.quotedBy)").inserted }
        return NodeChainsVerification(chains: chains, truncations: truncations)
    }

    static func key(_ node: String, _ sequence: Int64) -> String { "\(sequence)@\(node)" }
}
