import CDRModel
import CDRStorage

/// Full records live in one table per calendar month of call start (`records_2025_01`), so retention
/// drops a whole month at once instead of deleting rows; the `records` view unions them for reading.
/// Record ids come from one store-wide sequence, so an id names one record across all partitions.
extension SQLiteStore {
    /// The columns of a partition, in order.
    static let recordColumns = """
        id, day, key, calling, dialled, diverting, start_at, answer_at, end_at, duration, billsec, disposition, \
        carrier, channel, account, source_id, file_id, line, imsi, imei, cell, egress, leg, part
        """

    /// The columns of the single records table before partitioning (migrations 1–2).
    static let legacyColumns = """
        id, day, key, calling, dialled, diverting, start_at, answer_at, end_at, duration, billsec, disposition, \
        carrier, channel, account, source_id, file_id, line, imsi, imei, cell
        """

    /// The table name of a month's partition.
    public static func partitionName(month: MonthIndex) -> String {
        "records_" + String(month.description.map { $0 == "-" ? "_" : $0 })
    }

    /// The month indexes that have a partition, oldest first.
    public func partitionMonths() throws(StoreError) -> [MonthIndex] {
        let statement = try connection.prepare("SELECT month FROM partitions ORDER BY month")
        var months: [MonthIndex] = []
        while try statement.step() { months.append(MonthIndex(statement.int(0))) }
        return months
    }

    /// Re-reads which partitions exist (after a rolled-back transaction that created or dropped some).
    public func reloadPartitions() throws(StoreError) {
        knownPartitions = Set(try partitionMonths())
        forgetStatements()
    }

    /// The number of records in a month's partition.
    public func partitionRecordCount(month: MonthIndex) throws(StoreError) -> Int64 {
        guard knownPartitions.contains(month) else { return 0 }
        let statement = try connection.prepare("SELECT count(*) FROM \(Self.partitionName(month: month))")
        _ = try statement.step()
        return statement.int(0)
    }

    /// The partition table holding the records of `day`, created (with its indexes) when missing.
    func ensurePartition(day: Int64) throws(StoreError) -> String {
        let month = UTCDay(day).month
        let name = Self.partitionName(month: month)
        if knownPartitions.contains(month) { return name }
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS \(name)(
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
                line INTEGER NOT NULL,
                imsi TEXT NOT NULL DEFAULT '',
                imei TEXT NOT NULL DEFAULT '',
                cell TEXT NOT NULL DEFAULT '',
                egress TEXT NOT NULL DEFAULT '',
                leg INTEGER NOT NULL DEFAULT 0,
                part INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            CREATE UNIQUE INDEX IF NOT EXISTS \(name)_by_calling ON \(name)(day, calling, key);
            CREATE INDEX IF NOT EXISTS \(name)_by_dialled ON \(name)(day, dialled);
            INSERT OR IGNORE INTO partitions(month, name) VALUES (\(month.rawValue), '\(name)');
            """
        )
        knownPartitions.insert(month)
        try rebuildRecordsView()
        return name
    }

    /// The partition of `day` if it exists.
    func existingPartition(day: Int64) -> String? {
        let month = UTCDay(day).month
        return knownPartitions.contains(month) ? Self.partitionName(month: month) : nil
    }

    /// Recreates the `records` view over the current partitions.
    func rebuildRecordsView() throws(StoreError) {
        let months = knownPartitions.sorted()
        let body =
            months.isEmpty
            ? "SELECT "
                + Self.recordColumns.split(separator: ",").map { "NULL AS \($0.filter { $0 != " " })" }
                .joined(separator: ", ") + " WHERE 0"
            : months.map { "SELECT \(Self.recordColumns) FROM \(Self.partitionName(month: $0))" }
                .joined(separator: " UNION ALL ")
        try connection.execute("DROP VIEW IF EXISTS records; CREATE VIEW records AS \(body);")
    }

    /// Drops a month's partition and the diversions of its days: the records are gone in one step.
    ///
    /// When the dropped pages leave most of the file free, they are freed as they are and
    /// ``reclaimSpace()`` rebuilds the file from the live data after the commit (cheap, since little is
    /// live); the drop records that a rebuild is due (`store_state.vacuum_due`, in its transaction), so the
    /// rebuild happens even if later writes reuse the unzeroed pages or the process dies first. Otherwise
    /// `secure_delete = ON` overwrites every freed page with zeros in this transaction, and later loads
    /// reuse them.
    public func dropPartition(month: MonthIndex) throws(StoreError) {
        guard knownPartitions.contains(month) else { return }
        let name = Self.partitionName(month: month)
        let first = month.days.lowerBound.rawValue
        let last = month.days.upperBound.rawValue
        var fast = false
        if let pages = try? pageCount(of: name), let free = try? pragma("freelist_count"),
            let total = try? pragma("page_count")
        {
            fast = (pages + free) * 2 > total
        }
        try connection.execute(
            """
            DELETE FROM diversions WHERE day BETWEEN \(first) AND \(last);
            PRAGMA secure_delete = \(fast ? "FAST" : "ON");
            DROP TABLE \(name);
            PRAGMA secure_delete = ON;
            DELETE FROM partitions WHERE month = \(month.rawValue);
            """
        )
        if fast { try markRebuildDue() }
        knownPartitions.remove(month)
        forgetStatements()
        try rebuildRecordsView()
    }

    /// Pages used by a table and its indexes (from the `dbstat` virtual table).
    func pageCount(of table: String) throws(StoreError) -> Int64 {
        let statement = try connection.prepare(
            "SELECT coalesce(sum(pageno), 0) FROM dbstat('main', 1) WHERE name = ?1 OR name LIKE ?1 || '\\_by\\_%' ESCAPE '\\'"
        )
        statement.bind(1, table)
        _ = try statement.step()
        return statement.int(0)
    }

    /// The integer value of a pragma such as `page_count`.
    func pragma(_ name: String) throws(StoreError) -> Int64 {
        let statement = try connection.prepare("PRAGMA \(name)")
        _ = try statement.step()
        return statement.int(0)
    }

    /// Moves the records of the original single `records` table into monthly partitions (migration 4).
    static func partitionLegacyRecords(_ store: SQLiteStore) throws(StoreError) {
        try store.connection.execute(
            """
            CREATE TABLE partitions(month INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;
            CREATE TABLE store_state(name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
            DROP INDEX records_by_calling;
            DROP INDEX records_by_dialled;
            ALTER TABLE records RENAME TO records_legacy;
            """
        )
        let days = try store.connection.prepare("SELECT DISTINCT day FROM records_legacy ORDER BY day")
        var months = Set<MonthIndex>()
        while try days.step() { months.insert(UTCDay(days.int(0)).month) }
        for month in months.sorted() {
            let name = try store.ensurePartition(day: month.firstDay.rawValue)
            try store.connection.execute(
                """
                INSERT INTO \(name)(\(legacyColumns)) SELECT \(legacyColumns) FROM records_legacy
                WHERE day BETWEEN \(month.days.lowerBound.rawValue) AND \(month.days.upperBound.rawValue)
                ORDER BY id
                """
            )
        }
        try store.connection.execute(
            """
            INSERT INTO store_state(name, value)
                VALUES ('next_record_id', (SELECT coalesce(max(id), 0) + 1 FROM records_legacy));
            DROP TABLE records_legacy;
            """
        )
        try store.rebuildRecordsView()
    }

    /// Adds the columns that came after partitioning (egress in migration 8; call leg and partial-record
    /// number in migration 10) to partitions created before them; the view is rebuilt over all of them.
    static func addLaterColumns(_ store: SQLiteStore) throws(StoreError) {
        try addPartitionColumns(
            store,
            [
                "egress": "TEXT NOT NULL DEFAULT ''", "leg": "INTEGER NOT NULL DEFAULT 0",
                "part": "INTEGER NOT NULL DEFAULT 0",
            ]
        )
    }

    /// Adds each missing column to every partition, then rebuilds the view over them.
    private static func addPartitionColumns(_ store: SQLiteStore, _ columns: [String: String]) throws(StoreError) {
        for month in try store.partitionMonths() {
            let name = partitionName(month: month)
            for (column, type) in columns.sorted(by: { $0.key < $1.key }) {
                let present = try store.connection.prepare(
                    "SELECT count(*) FROM pragma_table_info('\(name)') WHERE name = '\(column)'"
                )
                _ = try present.step()
                if present.int(0) == 0 {
                    try store.connection.execute("ALTER TABLE \(name) ADD COLUMN \(column) \(type)")
                }
            }
        }
        try store.rebuildRecordsView()
    }
}
