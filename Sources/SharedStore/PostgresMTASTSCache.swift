// PostgresMTASTSCache: the MTA-STS policy cache in the shared store, read through on every lookup,
// so a policy one node fetched serves every node until its max_age, the policy host down or not.

import Foundation
import Logging
import PostgresNIO
import TLSPolicy

public final class PostgresMTASTSCache: MTASTSPolicyCache, @unchecked Sendable {
    private let database: SharedStoreDatabase
    private let logger: Logger

    public init(database: SharedStoreDatabase, logger: Logger) {
        self.database = database; self.logger = logger
    }

    public func entry(for domain: String) async -> MTASTSCacheEntry? {
        do {
            return try await database.callAsync("reading the MTA-STS cache") { client in
                let rows = try await client.query("SELECT entry FROM mta_sts_policies WHERE domain = \(domain)")
                for try await text in rows.decode(String.self) {
                    let entry = try MTASTSCacheEntry.decode(Data(text.utf8))
                    return entry.domain == domain ? entry : nil
                }
                return nil
            }
        } catch {
            logger.warning("mta-sts shared cache unreadable", metadata: ["domain": "\(domain)", "error": "\(error)"])
            return nil
        }
    }

    /// Keeps the newer of two fetches when nodes store the same domain at once.
    public func store(_ entry: MTASTSCacheEntry) async {
        do {
            let text = String(decoding: try entry.encoded(), as: UTF8.self)
            try await database.callAsync("writing the MTA-STS cache") { client in
                _ = try await client.query("""
                    INSERT INTO mta_sts_policies AS p (domain, txt_id, fetched_at, entry)
                    VALUES (\(entry.domain), \(entry.txtID), \(entry.fetchedAt), \(text))
                    ON CONFLICT (domain) DO UPDATE SET txt_id = EXCLUDED.txt_id, fetched_at = EXCLUDED.fetched_at,
                                                       entry = EXCLUDED.entry
                    WHERE EXCLUDED.fetched_at >= p.fetched_at
                    """)
            }
        } catch {
            logger.warning("mta-sts shared cache write failed", metadata: ["domain": "\(entry.domain)", "error": "\(error)"])
        }
    }
}
