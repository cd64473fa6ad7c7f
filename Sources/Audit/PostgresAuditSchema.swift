// PostgresAuditSchema: the PostgreSQL tables of the shared audit log (one hash chain per node,
// primary key node and sequence), made once by `sealgate audit init-db` with the owner's rights.

enum PostgresAuditSchema {
    /// Idempotent DDL, one statement each (the extended protocol takes one at a time).
    static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS audit_records (
            node TEXT NOT NULL,
            sequence BIGINT NOT NULL CHECK (sequence >= 1),
            time TEXT NOT NULL,
            event TEXT NOT NULL,
            queue_id TEXT,
            recipient TEXT,
            outcome TEXT,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            canonical TEXT NOT NULL,
            PRIMARY KEY (node, sequence)
        )
        """,
        "CREATE INDEX IF NOT EXISTS audit_records_queue_id ON audit_records (queue_id)",
        "CREATE INDEX IF NOT EXISTS audit_records_recipient ON audit_records (recipient)",
        "CREATE INDEX IF NOT EXISTS audit_records_time ON audit_records (time)",
        """
        CREATE OR REPLACE FUNCTION sealgate_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_records is append-only: % refused', TG_OP; END $$
        """,
        """
        CREATE OR REPLACE TRIGGER audit_records_no_change BEFORE UPDATE OR DELETE ON audit_records
        FOR EACH ROW EXECUTE FUNCTION sealgate_audit_append_only()
        """,
        """
        CREATE OR REPLACE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
        FOR EACH STATEMENT EXECUTE FUNCTION sealgate_audit_append_only()
        """,
    ]

    /// What the gateway's own role is given: append and read, nothing else.
    static func grants(to role: String) -> [String] {
        ["GRANT SELECT, INSERT ON audit_records TO \(quotedIdentifier(role))"]
    }

    /// A SQL identifier in double quotes (a role name from the command line).
    static func quotedIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The advisory-lock class keys (the two-int form): one lock on the node name's hash, one on its node_id.
    static let nameLockClass: Int32 = 0x5347_4E31 // "SGN1"
    static let nodeIDLockClass: Int32 = 0x5347_4931 // "SGI1"
}
