// SharedStoreSchema: the tables several nodes share on `shared_store` (docs/operations.md lists them
// and the grants); created at each node's start when missing, one statement each.

enum SharedStoreSchema {
    static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS tls_observations (
            domain TEXT NOT NULL,
            mx_host TEXT NOT NULL,
            best_version TEXT,
            cipher TEXT,
            verification TEXT NOT NULL,
            trust TEXT,
            last_seen TIMESTAMPTZ NOT NULL,
            certificate_expires TIMESTAMPTZ,
            strength_class INTEGER NOT NULL,
            strength_version INTEGER NOT NULL,
            PRIMARY KEY (domain, mx_host)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS mta_sts_policies (
            domain TEXT PRIMARY KEY,
            txt_id TEXT NOT NULL,
            fetched_at TIMESTAMPTZ NOT NULL,
            entry TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS gateway_users (
            name TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            addresses TEXT[] NOT NULL
        )
        """,
    ]

    /// The advisory lock (one bigint) nodes take while creating the tables: "SGSHARED".
    static let lockKey: Int64 = 0x5347_5348_4152_4544
}
