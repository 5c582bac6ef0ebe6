import CDRModel
import CSQLite

#if canImport(Glibc)
import Glibc
#endif

/// The embedded store: one SQLite file in WAL mode holding full records, the files registry and
/// (later) everything else. Owned by one thread; not `Sendable`.
public final class SQLiteStore {
    /// The underlying connection, for modules that add their own tables.
    public let connection: SQLiteConnection
    private var insertRecord: Statement?
    private var insertDiversion: Statement?
    private var inTransaction = false

    /// The schema version this build writes.
    public static let schemaVersion = Migrations.all.last!.version

    /// Opens or creates the database at `path` (mode 0600) and brings its schema up to date.
    /// `cacheMiB` bounds SQLite's page cache, and so most of the process's memory.
    public init(path: String, cacheMiB: Int = 16) throws(StoreError) {
        let existed = access(path, F_OK) == 0
        connection = try SQLiteConnection(path: path)
        if !existed { try connection.execute("PRAGMA page_size = 8192; PRAGMA auto_vacuum = INCREMENTAL;") }
        try connection.execute(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA cache_size = -\(cacheMiB * 1024);
            PRAGMA temp_store = FILE;
            """
        )
        try migrate()
    }

    /// The schema version the database is at.
    public func schemaVersionInDatabase() throws(StoreError) -> Int64 {
        let statement = try connection.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations")
        _ = try statement.step()
        return statement.int(0)
    }

    private func migrate() throws(StoreError) {
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT"
        )
        let current = try schemaVersionInDatabase()
        if current > Self.schemaVersion {
            throw StoreError(
                code: -1,
                message: "database schema \(current) is newer than this cdrpipe (\(Self.schemaVersion))",
                context: "opening \(connection.path)"
            )
        }
        for migration in Migrations.all where migration.version > current {
            try connection.transaction { () throws(StoreError) in
                try connection.execute(migration.sql)
                try connection.execute(
                    "INSERT INTO schema_migrations(version, applied_at) VALUES (\(migration.version), \(Self.now()))"
                )
            }
        }
    }

    static func now() -> Int64 { Int64(time(nil)) }

    // MARK: Files registry

    private func readFiles(_ statement: Statement) throws(StoreError) -> [FileEntry] {
        var entries: [FileEntry] = []
        while try statement.step() {
            entries.append(
                FileEntry(
                    id: statement.int(0),
                    path: statement.text(1),
                    size: statement.int(2),
                    headSHA256: statement.blob(15),
                    sha256: statement.optionalBlob(3),
                    prefixBytes: statement.int(16),
                    prefixSHA256: statement.optionalBlob(17),
                    dialect: statement.text(4),
                    status: FileEntry.Status(rawValue: statement.text(5)) ?? .failed,
                    counts: LoadCounts(
                        stored: statement.int(6),
                        duplicates: statement.int(7),
                        rejected: statement.int(8)
                    ),
                    resumeOffset: statement.int(9),
                    resumeLine: Int(statement.int(10)),
                    firstRecordID: statement.int(11),
                    startedAt: statement.int(12),
                    finishedAt: statement.optionalInt(13),
                    error: statement.optionalText(14)
                )
            )
        }
        return entries
    }

    private static let fileColumns = """
        id, path, size, sha256, dialect, status, records, duplicates, rejected, resume_offset, \
        resume_line, first_record_id, started_at, finished_at, error, head_sha256, prefix_bytes, prefix_sha256
        """

    /// The fully loaded file with this content hash, if any.
    public func loadedFile(sha256: [UInt8]) throws(StoreError) -> FileEntry? {
        let statement = try connection.prepare(
            "SELECT \(Self.fileColumns) FROM files WHERE sha256 = ? AND status = 'loaded' LIMIT 1"
        )
        sha256.withUnsafeBytes { statement.bind(1, blob: $0) }
        return try readFiles(statement).first
    }

    /// Loaded or interrupted registry rows of files with this size and first-64-KiB hash, newest
    /// first: the only files worth hashing in full before a load.
    public func candidates(size: Int64, headSHA256: [UInt8]) throws(StoreError) -> [FileEntry] {
        let statement = try connection.prepare(
            "SELECT \(Self.fileColumns) FROM files WHERE size = ? AND head_sha256 = ? AND status <> 'failed' ORDER BY id DESC"
        )
        statement.bind(1, size)
        headSHA256.withUnsafeBytes { statement.bind(2, blob: $0) }
        return try readFiles(statement)
    }

    /// Every registry row, newest first.
    public func files() throws(StoreError) -> [FileEntry] {
        try readFiles(try connection.prepare("SELECT \(Self.fileColumns) FROM files ORDER BY id DESC"))
    }

    /// Registers a file about to be loaded and opens the load's first transaction.
    /// `sha256` is the content hash when known up front (regular files); standard input's is set
    /// when it finishes.
    public func beginFile(
        path: String,
        size: Int64,
        headSHA256: [UInt8],
        sha256: [UInt8]?,
        dialect: String
    ) throws(StoreError) -> Int64 {
        try begin()
        let statement = try connection.prepare(
            """
            INSERT INTO files(path, size, head_sha256, sha256, dialect, status, first_record_id, started_at)
            VALUES (?, ?, ?, ?, ?, 'loading', (SELECT coalesce(max(id), 0) + 1 FROM records), ?)
            """
        )
        statement.bind(1, path)
        statement.bind(2, size)
        headSHA256.withUnsafeBytes { statement.bind(3, blob: $0) }
        if let sha256 {
            sha256.withUnsafeBytes { statement.bind(4, blob: $0) }
        } else {
            statement.bind(4, nil as Int64?)
        }
        statement.bind(5, dialect)
        statement.bind(6, Self.now())
        try statement.step()
        return connection.lastInsertID
    }

    /// Reopens an interrupted load for resuming; the caller continues from its resume point.
    public func resumeFile(id: Int64, path: String) throws(StoreError) {
        try begin()
        let statement = try connection.prepare("UPDATE files SET path = ? WHERE id = ?")
        statement.bind(1, path)
        statement.bind(2, id)
        try statement.step()
    }

    private func begin() throws(StoreError) {
        if !inTransaction {
            try connection.execute("BEGIN IMMEDIATE")
            inTransaction = true
        }
    }

    private func commit() throws(StoreError) {
        if inTransaction {
            try connection.execute("COMMIT")
            inTransaction = false
        }
    }

    /// Rolls back whatever the current load has not yet committed.
    public func rollback() {
        if inTransaction {
            try? connection.execute("ROLLBACK")
            inTransaction = false
        }
    }

    // MARK: Records

    /// Stores a record unless one with the same content key is already stored; true when new.
    /// Must be called between ``beginFile(path:size:headSHA256:sha256:dialect:)`` and ``finishFile(id:sha256:counts:)``.
    @inline(__always)
    public func insert(_ r: CallRecord, key: RecordKey, fileID: Int64) throws(StoreError) -> Bool {
        let statement: Statement
        if let prepared = insertRecord {
            statement = prepared
        } else {
            statement = try connection.prepare(
                """
                INSERT INTO records(day, key, calling, dialled, diverting, start_at, answer_at, end_at, duration,
                    billsec, disposition, carrier, channel, account, source_id, file_id, line, imsi, imei, cell)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (day, calling, key) DO NOTHING
                """
            )
            insertRecord = statement
        }
        let day = r.day
        statement.bind(1, day)
        withUnsafeBytes(of: (key.high.bigEndian, key.low.bigEndian)) { statement.bind(2, blob: $0) }
        statement.bind(3, r.calling)
        statement.bind(4, r.dialled)
        statement.bind(5, r.diverting.isEmpty ? nil : r.diverting.joined(separator: ","))
        statement.bind(6, r.start)
        statement.bind(7, r.answer)
        statement.bind(8, r.end)
        statement.bind(9, r.duration)
        statement.bind(10, r.billable)
        statement.bind(11, Int64(r.disposition.rawValue))
        statement.bind(12, r.carrier)
        statement.bind(13, r.channel)
        statement.bind(14, r.account)
        statement.bind(15, r.sourceID)
        statement.bind(16, fileID)
        statement.bind(17, Int64(r.sourceLine))
        statement.bind(18, r.imsi)
        statement.bind(19, r.imei)
        statement.bind(20, r.cell)
        defer { statement.reset() }
        try statement.step()
        guard connection.changes == 1 else { return false }
        if !r.diverting.isEmpty { try insertDiversions(r.diverting, day: day, recordID: connection.lastInsertID) }
        return true
    }

    private func insertDiversions(_ numbers: [String], day: Int64, recordID: Int64) throws(StoreError) {
        let statement: Statement
        if let prepared = insertDiversion {
            statement = prepared
        } else {
            statement = try connection.prepare(
                "INSERT OR IGNORE INTO diversions(day, number, record_id, position) VALUES (?, ?, ?, ?)"
            )
            insertDiversion = statement
        }
        for (position, number) in numbers.enumerated() {
            statement.bind(1, day)
            statement.bind(2, number)
            statement.bind(3, recordID)
            statement.bind(4, Int64(position))
            defer { statement.reset() }
            try statement.step()
        }
    }

    /// Commits what the load has stored so far together with its resume point and counts, then
    /// opens the next transaction: a crash after this resumes here.
    public func checkpoint(
        fileID: Int64,
        offset: Int64,
        line: Int,
        counts: LoadCounts,
        prefixBytes: Int64,
        prefixSHA256: [UInt8]
    ) throws(StoreError) {
        let prefix = try connection.prepare("UPDATE files SET prefix_bytes = ?, prefix_sha256 = ? WHERE id = ?")
        prefix.bind(1, prefixBytes)
        prefixSHA256.withUnsafeBytes { prefix.bind(2, blob: $0) }
        prefix.bind(3, fileID)
        try prefix.step()
        try updateFile(fileID: fileID, offset: offset, line: line, counts: counts, status: nil, sha256: nil, error: nil)
        try commit()
        try begin()
    }

    /// Marks a file loaded with its full hash and final counts, and commits.
    public func finishFile(
        id: Int64,
        sha256: [UInt8],
        size: Int64,
        offset: Int64,
        line: Int,
        counts: LoadCounts
    ) throws(StoreError) {
        let sized = try connection.prepare("UPDATE files SET size = ? WHERE id = ?")
        sized.bind(1, size)
        sized.bind(2, id)
        try sized.step()
        try updateFile(
            fileID: id,
            offset: offset,
            line: line,
            counts: counts,
            status: .loaded,
            sha256: sha256,
            error: nil
        )
        try commit()
    }

    /// Removes everything a failed load stored (including committed checkpoints) and records why.
    public func failFile(id: Int64, reason: String) throws(StoreError) {
        rollback()
        try connection.transaction { () throws(StoreError) in
            let first = try connection.prepare("SELECT first_record_id FROM files WHERE id = ?")
            first.bind(1, id)
            guard try first.step() else { return }
            let firstID = first.int(0)
            let diversions = try connection.prepare(
                "DELETE FROM diversions WHERE record_id >= ?1 AND record_id IN (SELECT id FROM records WHERE id >= ?1 AND file_id = ?2)"
            )
            diversions.bind(1, firstID)
            diversions.bind(2, id)
            try diversions.step()
            let records = try connection.prepare("DELETE FROM records WHERE id >= ? AND file_id = ?")
            records.bind(1, firstID)
            records.bind(2, id)
            try records.step()
            try updateFile(
                fileID: id,
                offset: 0,
                line: 1,
                counts: LoadCounts(),
                status: .failed,
                sha256: nil,
                error: reason
            )
        }
    }

    private func updateFile(
        fileID: Int64,
        offset: Int64,
        line: Int,
        counts: LoadCounts,
        status: FileEntry.Status?,
        sha256: [UInt8]?,
        error: String?
    ) throws(StoreError) {
        let statement = try connection.prepare(
            """
            UPDATE files SET resume_offset = ?, resume_line = ?, records = ?, duplicates = ?, rejected = ?,
                status = coalesce(?, status), sha256 = coalesce(?, sha256), error = ?,
                finished_at = CASE WHEN ? IS NULL THEN finished_at ELSE ? END
            WHERE id = ?
            """
        )
        statement.bind(1, offset)
        statement.bind(2, Int64(line))
        statement.bind(3, counts.stored)
        statement.bind(4, counts.duplicates)
        statement.bind(5, counts.rejected)
        statement.bind(6, status?.rawValue)
        if let sha256 { sha256.withUnsafeBytes { statement.bind(7, blob: $0) } }
        statement.bind(8, error)
        statement.bind(9, status?.rawValue)
        statement.bind(10, Self.now())
        statement.bind(11, fileID)
        try statement.step()
    }
}
