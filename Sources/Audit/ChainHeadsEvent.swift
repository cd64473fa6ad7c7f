// ChainHeadsEvent: a node quotes the other nodes' chain heads (sequence and hash) in its own chain,
// so a later truncation or rewrite of another node's chain is detectable (docs/audit.md, chain_heads).

import Foundation

public struct ChainHeadsEvent: Sendable, Codable, Equatable {
    /// The other nodes' heads as this node read them, sorted by node name.
    public var heads: [ChainHead]

    public init(heads: [ChainHead]) { self.heads = heads.sorted { $0.node < $1.node } }
}

/// One node's newest record: its sequence and hash.
public struct ChainHead: Sendable, Codable, Equatable {
    public var node: String
    public var sequence: Int64
    public var hash: String

    public init(node: String, sequence: Int64, hash: String) {
        self.node = node; self.sequence = sequence; self.hash = hash
    }
}
