import CDRStorage

/// The versioned schema: each migration runs once, in order, inside a transaction, and is recorded in
/// `schema_migrations`. Never edit a released migration; add the next one.
enum Migrations {
    /// The measure columns of the aggregate summaries (migrations 5 and 6).
    static let measureColumns = """
        calls INTEGER NOT NULL, answered INTEGER NOT NULL, effective INTEGER NOT NULL, seconds INTEGER NOT NULL, \
        billable INTEGER NOT NULL, h0 INTEGER NOT NULL, h1 INTEGER NOT NULL, h2 INTEGER NOT NULL, \
        h3 INTEGER NOT NULL, h4 INTEGER NOT NULL, h5 INTEGER NOT NULL, h6 INTEGER NOT NULL, h7 INTEGER NOT NULL, \
        callers INTEGER NOT NULL, called INTEGER NOT NULL
        """

    static let all: [(version: Int64, sql: String, step: (@Sendable (SQLiteStore) throws(StoreError) -> Void)?)] = [
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
            """,
            nil
        ),
        (
            2,
            """
            ALTER TABLE records ADD COLUMN imsi TEXT NOT NULL DEFAULT '';
            ALTER TABLE records ADD COLUMN imei TEXT NOT NULL DEFAULT '';
            ALTER TABLE records ADD COLUMN cell TEXT NOT NULL DEFAULT '';
            """,
            nil
        ),
        (
            3,
            """
            CREATE TABLE aggregates(
                day INTEGER NOT NULL,
                hour INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 24),
                carrier TEXT NOT NULL,
                country TEXT NOT NULL,
                type TEXT NOT NULL,
                area TEXT NOT NULL,
                direction TEXT NOT NULL,
                disposition TEXT NOT NULL,
                \(measureColumns),
                PRIMARY KEY (day, hour, carrier, country, type, area, direction, disposition)
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE rollup_members(
                closes_at INTEGER NOT NULL,
                cell INTEGER NOT NULL,
                role INTEGER NOT NULL,
                pseudonym INTEGER NOT NULL,
                PRIMARY KEY (closes_at, cell, role, pseudonym)
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE holds(
                id INTEGER PRIMARY KEY,
                number TEXT NOT NULL,
                from_at INTEGER,
                to_at INTEGER,
                case_ref TEXT NOT NULL,
                reason TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                created_by TEXT NOT NULL,
                released_at INTEGER,
                released_by TEXT
            ) STRICT;
            CREATE TABLE retention_runs(
                id INTEGER PRIMARY KEY,
                started_at INTEGER NOT NULL,
                as_of INTEGER NOT NULL,
                record_cutoff INTEGER NOT NULL,
                aggregate_cutoff INTEGER NOT NULL,
                finished_at INTEGER,
                aggregates_deleted INTEGER NOT NULL DEFAULT 0,
                keys_destroyed INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            CREATE TABLE retention_months(
                run_id INTEGER NOT NULL REFERENCES retention_runs(id),
                month TEXT NOT NULL,
                rolled_up INTEGER NOT NULL,
                held INTEGER NOT NULL,
                PRIMARY KEY (run_id, month)
            ) STRICT;
            CREATE TABLE audit_log(
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL,
                outcome TEXT NOT NULL,
                detail TEXT NOT NULL,
                previous_hash BLOB NOT NULL,
                hash BLOB NOT NULL
            ) STRICT;
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            """,
            nil
        ),
        (4, "", SQLiteStore.partitionLegacyRecords),
        (
            5,
            """
            CREATE TABLE aggregates_monthly(
                month INTEGER NOT NULL,
                carrier TEXT NOT NULL,
                country TEXT NOT NULL,
                type TEXT NOT NULL,
                direction TEXT NOT NULL,
                disposition TEXT NOT NULL,
                \(measureColumns),
                PRIMARY KEY (month, carrier, country, type, direction, disposition)
            ) STRICT, WITHOUT ROWID;
            INSERT INTO aggregates_monthly
            SELECT CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) * 12
                    + CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1,
                carrier, country, type, direction, disposition, sum(calls), sum(answered), sum(effective),
                sum(seconds), sum(billable), sum(h0), sum(h1), sum(h2), sum(h3), sum(h4), sum(h5), sum(h6), sum(h7),
                sum(callers), sum(called)
            FROM aggregates GROUP BY 1, 2, 3, 4, 5, 6;
            """,
            nil
        ),
        (
            6,
            """
            CREATE TABLE aggregates_daily(
                day INTEGER NOT NULL,
                carrier TEXT NOT NULL,
                country TEXT NOT NULL,
                type TEXT NOT NULL,
                direction TEXT NOT NULL,
                disposition TEXT NOT NULL,
                \(measureColumns),
                PRIMARY KEY (day, carrier, country, type, direction, disposition)
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE aggregates_day_totals(
                day INTEGER NOT NULL PRIMARY KEY,
                \(measureColumns)
            ) STRICT, WITHOUT ROWID;
            INSERT INTO aggregates_daily
            SELECT day, carrier, country, type, direction, disposition, sum(calls), sum(answered), sum(effective), sum(seconds), sum(billable), sum(h0), sum(h1), sum(h2),
                sum(h3), sum(h4), sum(h5), sum(h6), sum(h7), sum(callers), sum(called)
            FROM aggregates GROUP BY 1, 2, 3, 4, 5, 6;
            INSERT INTO aggregates_day_totals SELECT day, sum(calls), sum(answered), sum(effective), sum(seconds), sum(billable), sum(h0), sum(h1), sum(h2),
                sum(h3), sum(h4), sum(h5), sum(h6), sum(h7), sum(callers), sum(called) FROM aggregates GROUP BY day;
            """,
            nil
        ),
        (
            7,
            """
            CREATE TABLE cases(
                id INTEGER PRIMARY KEY,
                subject TEXT NOT NULL,
                severity TEXT NOT NULL,
                first_at INTEGER NOT NULL,
                last_at INTEGER NOT NULL,
                alerts INTEGER NOT NULL,
                detectors TEXT NOT NULL
            ) STRICT;
            CREATE INDEX cases_by_subject ON cases(subject, last_at);
            CREATE TABLE alerts(
                id TEXT PRIMARY KEY,
                detector TEXT NOT NULL,
                rule TEXT NOT NULL,
                severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
                subject TEXT NOT NULL,
                window_start INTEGER NOT NULL,
                first_at INTEGER NOT NULL,
                last_at INTEGER NOT NULL,
                measures TEXT NOT NULL,
                evidence TEXT NOT NULL,
                summary TEXT NOT NULL,
                case_id INTEGER NOT NULL REFERENCES cases(id),
                file_id INTEGER,
                created_at INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX alerts_by_time ON alerts(first_at);
            CREATE INDEX alerts_by_subject ON alerts(subject);
            CREATE INDEX alerts_by_file ON alerts(file_id);
            """,
            nil
        ),
        (8, "", { store throws(StoreError) in try SQLiteStore.addLaterColumns(store) }),
        (
            9,
            """
            CREATE TABLE users(
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('operator', 'analyst', 'fraud', 'admin', 'auditor')),
                token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            ) STRICT;
            """,
            nil
        ),
        (
            10,
            """
            ALTER TABLE files ADD COLUMN skipped TEXT NOT NULL DEFAULT '';
            ALTER TABLE files ADD COLUMN incomplete TEXT;
            """,
            { store throws(StoreError) in try SQLiteStore.addLaterColumns(store) }
        ),
        (
            11,
            """
            CREATE TABLE profiles(
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                first_day INTEGER NOT NULL,
                last_day INTEGER NOT NULL,
                active_days INTEGER NOT NULL,
                mean_minutes REAL NOT NULL,
                mean_calls REAL NOT NULL,
                weight REAL NOT NULL,
                day_minutes REAL NOT NULL,
                day_calls INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX profiles_by_last_day ON profiles(last_day);
            CREATE TABLE profile_staging(
                file_id INTEGER NOT NULL,
                key TEXT NOT NULL,
                day INTEGER NOT NULL,
                seconds INTEGER NOT NULL,
                calls INTEGER NOT NULL
            ) STRICT;
            """,
            nil
        ),
        (
            12,
            """
            CREATE TABLE users_with_ingest(
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('operator', 'analyst', 'fraud', 'admin', 'auditor', 'ingest')),
                token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            ) STRICT;
            INSERT INTO users_with_ingest SELECT id, name, role, token_hash, created_at, revoked_at FROM users;
            DROP TABLE users;
            ALTER TABLE users_with_ingest RENAME TO users;
            """,
            nil
        ),
        (
            13,
            """
            CREATE TABLE baselines(
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                day INTEGER NOT NULL,
                concurrency REAL,
                off_hours REAL,
                burst REAL,
                countries TEXT
            ) STRICT;
            CREATE INDEX baselines_by_day ON baselines(day);
            """,
            nil
        ),
        (14, "ALTER TABLE profiles ADD COLUMN sketch BLOB NOT NULL DEFAULT x'';", nil),
    ]
}
