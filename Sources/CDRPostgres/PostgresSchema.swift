/// The PostgreSQL schema, as numbered migrations applied once each (under an advisory lock, so workers
/// starting together do not race): full records in a table partitioned by month of call start, so
/// retention drops whole partitions; the file registry doubling as the claims table.
enum PostgresSchema {
    static let migrations: [(version: Int, sql: String)] = [
        (
            1,
            """
            CREATE SEQUENCE record_ids;
            CREATE TABLE files(
                id bigserial PRIMARY KEY,
                path text NOT NULL,
                sha256 bytea NOT NULL UNIQUE CHECK (length(sha256) = 32),
                size bigint NOT NULL,
                dialect text NOT NULL DEFAULT '',
                status text NOT NULL CHECK (status IN ('loading', 'loaded', 'failed')),
                worker text NOT NULL,
                lease_until timestamptz NOT NULL,
                attempts int NOT NULL DEFAULT 1,
                stored bigint NOT NULL DEFAULT 0,
                duplicates bigint NOT NULL DEFAULT 0,
                rejected bigint NOT NULL DEFAULT 0,
                started_at timestamptz NOT NULL DEFAULT now(),
                finished_at timestamptz,
                error text
            );
            CREATE TABLE records(
                id bigint NOT NULL DEFAULT nextval('record_ids'),
                key bytea NOT NULL,
                calling text NOT NULL,
                dialled text NOT NULL,
                diverting text[] NOT NULL DEFAULT '{}',
                start_at bigint NOT NULL,
                answer_at bigint,
                end_at bigint NOT NULL,
                duration bigint NOT NULL,
                billsec bigint NOT NULL,
                disposition smallint NOT NULL,
                carrier text NOT NULL,
                channel text NOT NULL,
                account text NOT NULL,
                source_id text NOT NULL,
                file_id bigint NOT NULL,
                line bigint NOT NULL,
                imsi text NOT NULL,
                imei text NOT NULL,
                cell text NOT NULL,
                egress text NOT NULL
            ) PARTITION BY RANGE (start_at);
            CREATE UNIQUE INDEX records_by_key ON records (key, start_at);
            CREATE INDEX records_by_calling ON records (calling, start_at);
            CREATE INDEX records_by_dialled ON records (dialled, start_at);
            CREATE INDEX records_by_file ON records (file_id);
            CREATE TABLE partitions(month int PRIMARY KEY, name text NOT NULL UNIQUE);
            """
        )
    ]

    /// The columns a load copies, in order (the id comes from the sequence).
    static let loadColumns = [
        "key", "calling", "dialled", "diverting", "start_at", "answer_at", "end_at", "duration", "billsec",
        "disposition", "carrier", "channel", "account", "source_id", "file_id", "line", "imsi", "imei", "cell",
        "egress",
    ]
}
