// PortalStoreBackend: where SealedPortalStore keeps its sealed blobs (message records, bodies, tombstones,
// recipient records, the store check) and how it serialises changes: files (flock) or PostgreSQL (a transaction).

/// One blob the store keeps: a message's file, a recipient's record (by its MAC name) or the store check.
enum PortalStoreKey: Hashable, Sendable {
    case message(PortalMessageID, PortalStoreLayout.MessageFile)
    case recipient(String)
    case storeCheck
}

/// Blocking storage for sealed bytes. Every value is already sealed (or ciphertext): a backend never
/// sees a key, a token, an address or content, and never the pepper.
protocol PortalStoreBackend: Sendable {
    /// Where the store is, for errors: a directory, or a PostgreSQL location without its password.
    var location: String { get }
    /// Makes the directories or the tables (idempotent).
    func prepare() throws
    func read(_ key: PortalStoreKey) throws -> [UInt8]?
    /// Replaces the blob durably.
    func write(_ key: PortalStoreKey, _ bytes: [UInt8]) throws
    /// Removes the blob (no error when it is not there).
    func remove(_ key: PortalStoreKey) throws
    /// Every message blob there is, as (id, kind).
    func messageFiles() throws -> [(PortalMessageID, PortalStoreLayout.MessageFile)]
    /// Whether any recipient record exists.
    func hasRecipients() throws -> Bool
    /// Runs `body` as one change, excluding every other change (other processes and nodes included).
    func locked<T>(_ body: () throws -> T) throws -> T
    /// Makes the removals done so far durable (the file backend syncs its directories).
    func syncRemovals() throws
    /// Removes what an interrupted write left (temp files); true when it removed anything.
    func removeLeftovers() throws -> Bool
}
