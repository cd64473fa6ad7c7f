// The MTA-STS policy cache (RFC 8461 §5.1): memory, plus one JSON file per domain when a
// directory is configured (mode 0600, written atomically, the file I/O on the caller's thread pool).
// Expiry is decided by the caller's clock.
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import SafeIO

final class MTASTSCache: MTASTSPolicyCache, @unchecked Sendable {
    private let directory: String?
    private let logger: Logger
    private let pool: NIOThreadPool
    private let entries = NIOLockedValueBox<[String: MTASTSCacheEntry]>([:])

    /// `pool` runs the file reads and the durable writes, never the cooperative pool.
    init(directory: String?, pool: NIOThreadPool, logger: Logger) {
        self.directory = directory
        self.pool = pool
        self.logger = logger
        if let directory {
            do {
                try SafeIO.makeDirectory(directory, mode: 0o700, parents: true, tighten: true)
            } catch {
                logger.warning("mta-sts cache directory unusable", metadata: ["dir": "\(directory)", "error": "\(error)"])
            }
        }
    }

    /// The entry for `domain`, from memory or else from disk; nil when there is none or it is unreadable.
    func entry(for domain: String) async -> MTASTSCacheEntry? {
        if let hit = entries.withLockedValue({ $0[domain] }) { return hit }
        guard let path = path(for: domain) else { return nil }
        do {
            guard let bytes = try await pool.runIfActive({ try SafeIO.read(path) }) else { return nil }
            let entry = try MTASTSCacheEntry.decode(Data(bytes))
            guard entry.domain == domain else { return nil }
            entries.withLockedValue { $0[domain] = entry }
            return entry
        } catch {
            logger.warning("mta-sts cache file unreadable", metadata: ["file": "\(path)", "error": "\(error)"])
            return nil
        }
    }

    func store(_ entry: MTASTSCacheEntry) async {
        entries.withLockedValue { $0[entry.domain] = entry }
        guard let path = path(for: entry.domain) else { return }
        do {
            let bytes = Array(try entry.encoded())
            try await pool.runIfActive { try SafeIO.writeFile(path, bytes, mode: 0o600) }
        } catch {
            logger.warning("mta-sts cache write failed", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }

    /// `<dir>/<domain>.json` for a plain DNS name; nil (memory only) for anything else.
    private func path(for domain: String) -> String? {
        guard let directory, !domain.isEmpty, !domain.hasPrefix("."),
              domain.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".") })
        else { return nil }
        return directory + "/" + domain + ".json"
    }
}
