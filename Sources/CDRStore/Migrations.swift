/// The versioned schema: each migration runs once, in order, inside a transaction, and is recorded in
/// `schema_migrations`. Never edit a released migration; add the next one.
enum Migrations {
    static let all: [(version: Int64, sql: String)] = [
        (
            1,
            """
            CREATE TABLE files(
                id INTEGER PRIMARY KEY,
                path TEXT NOT NULL,
                size INTEGER NOT NULL,
                head_sha256 BLOB NOT NULL,
                sha256 BLOB,
                prefix_bytes INTEGER NOT NULL DEFAULT 0,
                prefix_sha256 BLOB,
                dialect TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('loading', 'loaded', 'failed')),
                records INTEGER NOT NULL DEFAULT 0,
                duplicates INTEGER NOT NULL DEFAULT 0,
                rejected INTEGER NOT NULL DEFAULT 0,
                resume_offset INTEGER NOT NULL DEFAULT 0,
                resume_line INTEGER NOT NULL DEFAULT 1,
                first_record_id INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER,
                error TEXT
            ) STRICT;
            CREATE INDEX files_by_sha256 ON files(sha256);
            CREATE INDEX files_by_head ON files(size, head_sha256);
            CREATE TABLE records(
                id INTEGER PRIMARY KEY,
                day INTEGER NOT NULL,
                key BLOB NOT NULL CHECK (length(key) = 16),
                calling TEXT NOT NULL,
                dialled TEXT NOT NULL,
                diverting TEXT,
                start_at INTEGER NOT NULL,
                answer_at INTEGER,
                end_at INTEGER NOT NULL,
                duration INTEGER NOT NULL,
                billsec INTEGER NOT NULL,
                disposition INTEGER NOT NULL CHECK (disposition BETWEEN 0 AND 6),
                carrier TEXT NOT NULL,
                channel TEXT NOT NULL,
                account TEXT NOT NULL,
                source_id TEXT NOT NULL,
                file_id INTEGER NOT NULL,
                line INTEGER NOT NULL
            ) STRICT;
            CREATE UNIQUE INDEX records_by_calling ON records(day, calling, key);
            CREATE INDEX records_by_dialled ON records(day, dialled);
            CREATE TABLE diversions(
                day INTEGER NOT NULL,
                number TEXT NOT NULL,
                record_id INTEGER NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY (day, number, record_id, position)
            ) STRICT, WITHOUT ROWID;
            """
        ),
        (
            2,
            """
            ALTER TABLE records ADD COLUMN imsi TEXT NOT NULL DEFAULT '';
            ALTER TABLE records ADD COLUMN imei TEXT NOT NULL DEFAULT '';
            ALTER TABLE records ADD COLUMN cell TEXT NOT NULL DEFAULT '';
            """
        ),
    ]
}
