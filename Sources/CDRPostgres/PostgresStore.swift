import CDRModel
import CDRStorage
import Foundation
import PostgresNIO

/// The PostgreSQL store: the same records, files and dedupe guarantees as the SQLite store, for operators
/// who load from many workers on many machines into one database.
///
/// Files are claimed through the registry: a worker inserts the file's SHA-256 with a lease, or takes over
/// a row whose lease ran out (a crashed worker's), in one atomic upsert; each batch renews the lease in the
/// same transaction as its records, and a batch whose worker lost the claim is rolled back. Records are
/// copied into a session-local staging table with `COPY ... FROM STDIN`, then inserted with
/// `ON CONFLICT DO NOTHING` on the content key, so no record is stored twice whichever worker loads it.
public final class PostgresStore {
    /// The connection.
    public let session: PostgresSession
    var knownPartitions = Set<MonthIndex>()
    var vacuumDue = Set<MonthIndex>()
    var pendingCells: [AggregateCell: AggregateCounts] = [:]
    /// The key folder holding the audit chain key; without one only an unkeyed audit log can be appended to.
    public var auditKeyDirectory: String? {
        didSet { auditChain = nil }
    }
    /// The audit chain key, once an append has loaded it.
    var auditChain: AuditChain?
    /// The session's `statement_timeout` in milliseconds (0: none).
    var statementTimeout = 0
    private var stagingGeneration = 0
    private var stagedFiles = Set<Int64>()

    /// The schema version this build writes.
    public static let schemaVersion = PostgresSchema.migrations.last!.version

    /// Connects and brings the schema up to date.
    public init(_ location: PostgresLocation) throws(PostgresStoreError) {
        session = try PostgresSession(location)
        try migrate()
        knownPartitions = Set(try partitionMonths())
    }

    private func migrate() throws(PostgresStoreError) {
        try session.execute("SELECT pg_advisory_lock(72436101)", "locking the schema")
        defer { try? session.execute("SELECT pg_advisory_unlock(72436101)", "unlocking the schema") }
        try session.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations(version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            "creating schema_migrations"
        )
        let (rows, _) = try session.query(
            "SELECT coalesce(max(version), 0)::bigint FROM schema_migrations",
            "reading the schema version"
        )
        let current = Int((try? rows.first?.decode(Int64.self)) ?? 0)
        guard current <= Self.schemaVersion else {
            throw .query(
                context: "opening the database",
                message: "schema version \(current) is newer than this cdrpipe (\(Self.schemaVersion)); upgrade cdrpipe"
            )
        }
        for migration in PostgresSchema.migrations where migration.version > current {
            try session.transaction { () throws(PostgresStoreError) in
                for statement in migration.sql.split(separator: ";\n") where !statement.allSatisfy(\.isWhitespace) {
                    try session.execute(String(statement), "applying migration \(migration.version)")
                }
                try session.query(
                    "INSERT INTO schema_migrations(version) VALUES (\(migration.version))",
                    "recording migration \(migration.version)"
                )
            }
        }
    }

    /// The month indexes that have a partition.
    public func partitionMonths() throws(PostgresStoreError) -> [MonthIndex] {
        let (rows, _) = try session.query("SELECT month::bigint FROM partitions ORDER BY month", "listing partitions")
        return rows.compactMap { try? MonthIndex($0.decode(Int64.self)) }
    }

    /// Re-reads the partition list (after a rolled-back transaction may have changed it).
    public func reloadPartitions() throws(PostgresStoreError) {
        knownPartitions = Set(try partitionMonths())
    }

    /// The current time, UTC epoch seconds.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// The partition name of a month.
    public static func partitionName(month: MonthIndex) -> String {
        "records_" + String(month.description.map { $0 == "-" ? "_" : $0 })
    }

    /// Creates the month partitions `months` needs (serialised across workers by an advisory lock).
    func ensurePartitions(_ months: Set<MonthIndex>) throws(PostgresStoreError) {
        let missing = months.subtracting(knownPartitions)
        if missing.isEmpty { return }
        try session.transaction { () throws(PostgresStoreError) in
            try session.execute("SELECT pg_advisory_xact_lock(72436102)", "locking partition creation")
            let existing = Set(try partitionMonths())
            for month in missing.sorted() where !existing.contains(month) {
                let from = month.firstDay.start.rawValue
                let to = month.next.firstDay.start.rawValue
                let name = Self.partitionName(month: month)
                try session.execute(
                    "CREATE TABLE \(name) PARTITION OF records FOR VALUES FROM (\(from)) TO (\(to))",
                    "creating partition \(name)"
                )
                try session.query(
                    "INSERT INTO partitions(month, name) VALUES (\(month.rawValue), \(name))",
                    "registering partition \(name)"
                )
            }
        }
        knownPartitions.formUnion(missing)
    }

    /// Drops a month's partition (after retention rolled it up).
    public func dropPartition(month: MonthIndex) throws(PostgresStoreError) {
        let name = Self.partitionName(month: month)
        try session.transaction { () throws(PostgresStoreError) in
            try session.execute("DROP TABLE IF EXISTS \(name)", "dropping partition \(name)")
            try session.query(
                "DELETE FROM partitions WHERE month = \(month.rawValue)",
                "unregistering partition \(name)"
            )
        }
        knownPartitions.remove(month)
    }

    /// What a claim attempt found.
    public enum Claim: Sendable, Equatable {
        /// This worker holds the file (its registry id, and whether an earlier worker's lease ran out).
        case claimed(id: Int64, takenOver: Bool)
        /// Already loaded, by whichever worker.
        case loaded(path: String)
        /// Another worker holds a live lease on it.
        case busy(worker: String)
    }

    /// Claims a file by content hash for `leaseSeconds`, or takes over one whose lease ran out.
    public func claim(
        path: String,
        sha256: [UInt8],
        size: Int64,
        worker: String,
        leaseSeconds: Int
    )
        throws(PostgresStoreError) -> Claim
    {
        let digest = ByteBuffer(bytes: sha256)
        let (rows, _) = try session.query(
            """
            INSERT INTO files(path, sha256, size, status, worker, lease_until)
            VALUES (\(path), \(digest), \(size), 'loading', \(worker), now() + make_interval(secs => \(leaseSeconds)))
            ON CONFLICT (sha256) DO UPDATE SET worker = EXCLUDED.worker, lease_until = EXCLUDED.lease_until,
                path = EXCLUDED.path, status = 'loading', attempts = files.attempts + 1, error = NULL
            WHERE files.status = 'failed' OR (files.status = 'loading' AND files.lease_until < now())
            RETURNING id, attempts
            """,
            "claiming \(path)"
        )
        if let row = rows.first, let (id, attempts) = try? row.decode((Int64, Int32).self) {
            return .claimed(id: id, takenOver: attempts > 1)
        }
        let (existing, _) = try session.query(
            "SELECT status, worker, path FROM files WHERE sha256 = \(digest)",
            "reading the claim on \(path)"
        )
        guard let row = existing.first,
            let (status, holder, loadedPath) = try? row.decode((String, String, String).self)
        else { return .busy(worker: "unknown") }
        return status == "loaded" ? .loaded(path: loadedPath) : .busy(worker: holder)
    }

    /// Stores one batch for a claimed file in one transaction: copied, deduplicated on the content key,
    /// counted on the file, and the lease renewed. Throws ``PostgresStoreError/claimLost(file:)`` (storing
    /// nothing) when another worker has taken the file over. Returns the records newly stored.
    ///
    /// A batch is first copied straight into `records` under a savepoint; when it meets a record already
    /// stored (a unique violation), it is rolled back to the savepoint and loaded the deduplicating way,
    /// copied into a staging table and inserted with `ON CONFLICT DO NOTHING`, as is the rest of that file.
    public func store(
        _ records: [(CallRecord, RecordKey)],
        rejected: Int,
        fileID: Int64,
        path: String,
        worker: String,
        leaseSeconds: Int
    ) throws(PostgresStoreError) -> Int64 {
        var batch = CopyBatch()
        for (record, key) in records { batch.append(record, key: key, fileID: fileID) }
        batch.rejected = rejected
        return try store(batch, fileID: fileID, path: path, worker: worker, leaseSeconds: leaseSeconds)
    }

    /// Stores an encoded batch (see ``store(_:rejected:fileID:path:worker:leaseSeconds:)``).
    public func store(
        _ batch: CopyBatch,
        fileID: Int64,
        path: String,
        worker: String,
        leaseSeconds: Int
    ) throws(PostgresStoreError) -> Int64 {
        try ensurePartitions(batch.months)
        let encoder = batch.encoder
        let starts: (first: Int64?, last: Int64?) = batch.count > 0 ? (batch.first, batch.last) : (nil, nil)
        let rejected = batch.rejected
        return try session.transaction { () throws(PostgresStoreError) -> Int64 in
            var stored: Int64 = 0
            if encoder.rows > 0 {
                var direct = !stagedFiles.contains(fileID)
                if direct {
                    try session.execute("SAVEPOINT batch", "starting a batch of \(path)")
                    do throws(PostgresStoreError) {
                        try session.copy(into: "records", columns: PostgresSchema.loadColumns, data: encoder.buffer)
                        stored = Int64(encoder.rows)
                    } catch {
                        guard case .duplicateInBatch = error else { throw error }
                        try session.execute("ROLLBACK TO SAVEPOINT batch", "retrying a batch of \(path)")
                        stagedFiles.insert(fileID)
                        direct = false
                    }
                }
                if !direct { stored = try insertDeduplicating(encoder, path: path) }
            }
            let duplicates = Int64(batch.count) - stored
            let (_, renewed) = try session.query(
                """
                UPDATE files SET stored = stored + \(stored), duplicates = duplicates + \(duplicates),
                    rejected = rejected + \(Int64(rejected)), lease_until = now() + make_interval(secs => \(leaseSeconds)),
                    first_start = least(first_start, \(starts.first)), last_start = greatest(last_start, \(starts.last))
                WHERE id = \(fileID) AND worker = \(worker) AND status = 'loading'
                """,
                "renewing the claim on \(path)"
            )
            guard renewed == 1 else { throw .claimLost(file: path) }
            return stored
        }
    }

    /// Copies a batch into the staging table and inserts what is new; returns how many were.
    private func insertDeduplicating(_ encoder: CopyEncoder, path: String) throws(PostgresStoreError) -> Int64 {
        let columns = PostgresSchema.loadColumns
        if stagingGeneration != session.generation {
            try session.execute(
                "CREATE TEMP TABLE IF NOT EXISTS staging AS SELECT \(columns.joined(separator: ", ")) FROM records WITH NO DATA",
                "creating the staging table"
            )
            stagingGeneration = session.generation
        }
        try session.copy(into: "staging", columns: columns, data: encoder.buffer)
        let list = columns.joined(separator: ", ")
        let (rows, _) = try session.query(
            """
            WITH inserted AS (
                INSERT INTO records (\(unescaped: list)) SELECT \(unescaped: list) FROM staging
                ON CONFLICT (key, start_at) DO NOTHING RETURNING 1
            ) SELECT count(*)::bigint FROM inserted
            """,
            "inserting a batch of \(path)"
        )
        try session.execute("TRUNCATE staging", "emptying the staging table")
        return (try? rows.first?.decode(Int64.self)) ?? 0
    }

    /// Marks a claimed file loaded.
    public func finish(
        fileID: Int64,
        worker: String,
        dialect: String,
        skipped: String = "",
        incomplete: String? = nil
    ) throws(PostgresStoreError) {
        try session.transaction { () throws(PostgresStoreError) in
            try session.execute("SELECT pg_advisory_xact_lock(72436103)", "locking the profiles")
            do {
                try foldProfiles(fileID: fileID)
            } catch let error as PostgresStoreError {
                throw error
            } catch {
                throw .query(context: "folding file \(fileID) into the profiles", message: "\(error)")
            }
            let (_, updated) = try session.query(
                """
                UPDATE files SET status = 'loaded', dialect = \(dialect), finished_at = now(), skipped = \(skipped),
                    incomplete = \(incomplete)
                WHERE id = \(fileID) AND worker = \(worker) AND status = 'loading'
                """,
                "finishing file \(fileID)"
            )
            guard updated == 1 else { throw .claimLost(file: "file \(fileID)") }
        }
    }

    /// Marks a claimed file failed and removes what it stored (a bad file leaves nothing behind).
    public func fail(fileID: Int64, worker: String, reason: String) throws(PostgresStoreError) {
        try session.transaction { () throws(PostgresStoreError) in
            try session.query(
                """
                DELETE FROM records r USING files f WHERE f.id = \(fileID) AND r.file_id = f.id
                    AND r.start_at BETWEEN f.first_start AND f.last_start
                """,
                "withdrawing file \(fileID)"
            )
            try session.query(
                """
                UPDATE files SET status = 'failed', error = \(reason), stored = 0, finished_at = now(), lease_until = now()
                WHERE id = \(fileID) AND worker = \(worker)
                """,
                "failing file \(fileID)"
            )
        }
    }

    /// The number of stored records.
    public func recordCount() throws(PostgresStoreError) -> Int64 {
        let (rows, _) = try session.query("SELECT count(*)::bigint FROM records", "counting records")
        return (try? rows.first?.decode(Int64.self)) ?? 0
    }

    /// Files by status, and the stored, duplicate and rejected totals.
    public func fileTotals() throws -> (files: [String: Int64], stored: Int64, duplicates: Int64, rejected: Int64) {
        let totals = try session.read(ServingReads.fileCounters)
        return (totals.files, totals.stored, totals.duplicates, totals.rejected)
    }
}

extension PostgresStore {
    /// Gives up a claim without a trace (a file skipped for its content, e.g. a CUCM CMR file).
    public func release(fileID: Int64, worker: String) throws(PostgresStoreError) {
        try session.query(
            "DELETE FROM files WHERE id = \(fileID) AND worker = \(worker) AND status = 'loading'",
            "releasing file \(fileID)"
        )
    }
}
