// AuditSchema: the SQLite tables, indexes and append-only triggers of the audit store, as GRDB
// migrations. Later migrations may add indexes or tables; they never rewrite audit_records rows.

import GRDB

enum AuditSchema {
    static let table = "audit_records"

    /// Refuses DELETE; `sealgate audit prune` drops and re-creates it inside its one transaction.
    static let noDeleteTrigger = """
        CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
        BEGIN SELECT RAISE(ABORT, 'audit_records is append-only: DELETE refused'); END
        """

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-audit-records") { db in
            try db.execute(sql: """
                CREATE TABLE audit_records (
                    sequence INTEGER PRIMARY KEY NOT NULL CHECK (sequence >= 1),
                    time TEXT NOT NULL,
                    node TEXT NOT NULL,
                    event TEXT NOT NULL,
                    queue_id TEXT,
                    recipient TEXT,
                    outcome TEXT,
                    previous_hash TEXT NOT NULL UNIQUE,
                    hash TEXT NOT NULL UNIQUE,
                    canonical TEXT NOT NULL
                );
                CREATE INDEX audit_records_queue_id ON audit_records(queue_id);
                CREATE INDEX audit_records_recipient ON audit_records(recipient);
                CREATE INDEX audit_records_time ON audit_records(time);
                CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
                BEGIN SELECT RAISE(ABORT, 'audit_records is append-only: UPDATE refused'); END;
                """)
            try db.execute(sql: noDeleteTrigger)
        }
        return migrator
    }
}
