import CDRModel
import CDRStorage
import CSQLite

#if canImport(Glibc)
import Glibc
#endif

/// The embedded store: one SQLite file in WAL mode holding full records, the files registry and
/// (later) everything else. Owned by one thread; not `Sendable`.
public final class SQLiteStore {
    /// The underlying connection, for modules that add their own tables.
    public let connection: SQLiteConnection
    private var insertDiversion: Statement?
    private var inTransaction = false
    private var statements: [String: Statement] = [:]
    private var partitionInserts: [Int64: Statement] = [:]
    private var lastInsert: (days: ClosedRange<Int64>, statement: Statement)?
    /// The months that have a partition table.
    var knownPartitions = Set<MonthIndex>()
    /// The id the next stored record gets.
    var nextRecordID: Int64 = 1
    /// The audit chain key, once an append has loaded it (read from the key folder once, not per entry).
    var auditChain: AuditChain?
    /// The audit entry to record in the chain's checkpoint once the open transaction commits.
    var pendingCheckpoint: (chain: AuditChain, entry: AuditEntry)?
    /// The key folder holding the audit chain key (default `<db>.keys`).
    public let auditKeyDirectory: String?
    /// The page cache's size in MiB (SQLite also sorts up to this much in memory).
    let cacheMiB: Int

    /// The schema version this build writes.
    public static let schemaVersion = Migrations.all.last!.version

    /// Opens or creates the database at `path` (mode 0600) and brings its schema up to date.
    /// `cacheMiB` bounds SQLite's page cache, and so most of the process's memory; `keyDirectory` is where
    /// the audit chain key lives (default `<path>.keys`).
    public init(path: String, cacheMiB: Int = 16, keyDirectory: String? = nil) throws(StoreError) {
        auditKeyDirectory = path == ":memory:" ? keyDirectory : keyDirectory ?? path + ".keys"
        self.cacheMiB = cacheMiB
        let existed = access(path, F_OK) == 0
        connection = try SQLiteConnection(path: path)
        if !existed { try connection.execute("PRAGMA page_size = 8192; PRAGMA auto_vacuum = INCREMENTAL;") }
        try Self.retryingWhileBusy(upTo: 20) { () throws(StoreError) in
            try connection.execute("PRAGMA journal_mode = WAL")
        }
        try connection.execute(
            """
            PRAGMA synchronous = NORMAL;
            PRAGMA cache_size = -\(cacheMiB * 1024);
            PRAGMA temp_store = FILE;
            PRAGMA secure_delete = ON;
            """
        )
        try migrate()
        knownPartitions = Set(try partitionMonths())
        let state = try connection.prepare("SELECT value FROM store_state WHERE name = 'next_record_id'")
        if try state.step() { nextRecordID = state.int(0) }
        for month in knownPartitions {
            let top = try connection.prepare("SELECT max(id) FROM \(Self.partitionName(month: month))")
            if try top.step(), let id = top.optionalInt(0) { nextRecordID = max(nextRecordID, id + 1) }
        }
    }

    /// Runs `body`, again after a growing pause (10 ms to 1 s) while another process holds the lock it
    /// needs (SQLITE_BUSY or SQLITE_LOCKED), for up to `seconds`: switching a new database to WAL takes an
    /// exclusive lock SQLite's busy handler does not wait for, and an audit entry must outwait an ingest.
    static func retryingWhileBusy<T>(
        upTo seconds: Double,
        _ body: () throws(StoreError) -> T
    ) throws(StoreError)
        -> T
    {
        var pause: UInt32 = 10_000
        var waited: Double = 0
        while true {
            do {
                return try body()
            } catch  where (error.code & 0xFF == 5 || error.code & 0xFF == 6) && waited < seconds {
                usleep(pause)
                waited += Double(pause) / 1e6
                pause = min(pause * 2, 1_000_000)
            }
        }
    }

    /// The id of the record the last successful ``insert(_:key:fileID:)`` stored.
    public var lastRecordID: Int64 { nextRecordID - 1 }

    /// Drops every cached prepared statement (after a partition is dropped).
    func forgetStatements() {
        statements = [:]
        partitionInserts = [:]
        lastInsert = nil
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
        // Another process may migrate the same new database at once: each step re-reads the version under
        // the write lock and skips what the other has applied.
        for migration in Migrations.all where migration.version > current {
            try connection.transaction { () throws(StoreError) in
                guard try schemaVersionInDatabase() < migration.version else { return }
                try connection.execute(migration.sql)
                try migration.step?(self)
                try connection.execute(
                    "INSERT INTO schema_migrations(version, applied_at) VALUES (\(migration.version), \(Self.now()))"
                )
            }
        }
    }

    /// A number that changes whenever another connection commits to the database (`PRAGMA data_version`),
    /// so a reader can tell whether what it derived from the data is stale.
    public func dataVersion() throws(StoreError) -> Int64 {
        let statement = try cached("dataVersion", "PRAGMA data_version")
        defer { statement.reset() }
        _ = try statement.step()
        return statement.int(0)
    }

    /// The current time in epoch seconds.
    public static func now() -> Int64 { Int64(time(nil)) }

    /// A prepared statement kept for the life of the store, prepared on first use.
    func cached(_ name: String, _ sql: String) throws(StoreError) -> Statement {
        if let statement = statements[name] { return statement }
        let statement = try connection.prepare(sql)
        statements[name] = statement
        return statement
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: all of it is stored, or none of it.
    public func atomically<T>(_ body: () throws -> T) throws -> T {
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try connection.execute("COMMIT")
            flushCheckpoint()
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            pendingCheckpoint = nil
            throw error
        }
    }

    /// Records the last audit entry a committed transaction wrote in the chain's checkpoint.
    func flushCheckpoint() {
        guard let pending = pendingCheckpoint, connection.autocommit else { return }
        pending.chain.checkpoint(pending.entry)
        pendingCheckpoint = nil
    }

    /// Opens the load's transaction unless one is open (its own, or one of ``atomically(_:)``).
    func begin() throws(StoreError) {
        if !inTransaction && connection.autocommit {
            try connection.execute("BEGIN IMMEDIATE")
            inTransaction = true
        }
    }

    func commit() throws(StoreError) {
        if inTransaction {
            try connection.execute("COMMIT")
            inTransaction = false
            flushCheckpoint()
        }
    }

    /// Rolls back whatever the current load has not yet committed.
    public func rollback() {
        if inTransaction {
            try? connection.execute("ROLLBACK")
            inTransaction = false
            pendingCheckpoint = nil
        }
    }

    // MARK: Records

    /// Stores a record unless one with the same content key is already stored; true when new.
    /// Must be called between ``beginFile(path:size:headSHA256:sha256:dialect:)`` and ``finishFile(id:sha256:counts:)``.
    @inline(__always)
    public func insert(_ r: CallRecord, key: RecordKey, fileID: Int64) throws(StoreError) -> Bool {
        let day = r.day
        let statement: Statement
        if let last = lastInsert, last.days.contains(day) {
            statement = last.statement
        } else {
            statement = try partitionInsert(day: day)
        }
        statement.bind(24, nextRecordID)
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
        statement.bind(21, r.egress)
        statement.bind(22, Int64(r.leg.rawValue))
        statement.bind(23, Int64(r.part))
        defer { statement.reset() }
        try statement.step()
        guard connection.changes == 1 else { return false }
        nextRecordID += 1
        if !r.diverting.isEmpty { try insertDiversions(r.diverting, day: day, recordID: nextRecordID - 1) }
        return true
    }

    private func partitionInsert(day: Int64) throws(StoreError) -> Statement {
        let month = CivilTime.monthIndex(days: day)
        let days = CivilTime.firstDay(ofMonth: month)...(CivilTime.firstDay(ofMonth: month + 1) - 1)
        if let statement = partitionInserts[month] {
            lastInsert = (days, statement)
            return statement
        }
        let name = try ensurePartition(day: day)
        let statement = try connection.prepare(
            """
            INSERT INTO \(name)(day, key, calling, dialled, diverting, start_at, answer_at, end_at, duration,
                billsec, disposition, carrier, channel, account, source_id, file_id, line, imsi, imei, cell, egress, leg, part,
                id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, calling, key) DO NOTHING
            """
        )
        partitionInserts[month] = statement
        lastInsert = (days, statement)
        return statement
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
}
