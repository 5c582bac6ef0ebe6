import CDRModel
import CDRStorage

extension SQLiteStore {
    /// The first day after `day` (or the first day at all) on which full records are stored, up to `limit`.
    public func nextRecordDay(after day: UTCDay?, through limit: UTCDay) throws(StoreError) -> UTCDay? {
        let after = day?.rawValue ?? Int64.min
        for month in knownPartitions.sorted() where month.next.firstDay.rawValue > after {
            if month.firstDay > limit { return nil }
            let statement = try connection.prepare(
                "SELECT min(day) FROM \(Self.partitionName(month: month)) WHERE day > ? AND day <= ?"
            )
            statement.bind(1, after)
            statement.bind(2, limit.rawValue)
            if try statement.step(), let found = statement.optionalInt(0) { return UTCDay(found) }
        }
        return nil
    }

    /// The ids of the records of `day` that concern `number` (as A, B or C party) and started in `window`.
    public func recordIDs(day: UTCDay, number: String, window: ClosedRange<Int64>) throws(StoreError) -> Set<Int64> {
        var ids = Set<Int64>()
        guard let table = existingPartition(day: day.rawValue) else { return ids }
        let queries = [
            "SELECT id FROM \(table) WHERE day = ? AND calling = ? AND start_at BETWEEN ? AND ?",
            "SELECT id FROM \(table) WHERE day = ? AND dialled = ? AND start_at BETWEEN ? AND ?",
            """
            SELECT r.id FROM diversions d JOIN \(table) r ON r.id = d.record_id
            WHERE d.day = ? AND d.number = ? AND r.start_at BETWEEN ? AND ?
            """,
        ]
        for sql in queries {
            let statement = try cached(sql, sql)
            statement.bind(1, day.rawValue)
            statement.bind(2, number)
            statement.bind(3, window.lowerBound)
            statement.bind(4, window.upperBound)
            defer { statement.reset() }
            while try statement.step() { ids.insert(statement.int(0)) }
        }
        return ids
    }

    /// Replaces the set of record ids that ``forEachRecord(day:before:excludingHeld:_:)`` and
    /// ``deleteRecords(day:before:excludingHeld:)`` skip (held records) for the current transaction.
    public func setExcludedRecords(_ ids: Set<Int64>) throws(StoreError) {
        try connection.execute(
            "CREATE TEMP TABLE IF NOT EXISTS excluded_records(id INTEGER PRIMARY KEY); DELETE FROM temp.excluded_records;"
        )
        let statement = try cached("excludeRecord", "INSERT INTO temp.excluded_records(id) VALUES (?)")
        for id in ids {
            statement.bind(1, id)
            defer { statement.reset() }
            try statement.step()
        }
    }

    /// Calls `body` with the facts of every record of `day` that started before `before`, skipping the
    /// excluded (held) ids when `excludingHeld`.
    public func forEachRecord(
        day: UTCDay,
        before: Int64,
        excludingHeld: Bool,
        _ body: (borrowing RecordFacts) throws -> Void
    ) throws {
        guard let table = existingPartition(day: day.rawValue) else { return }
        let sql = """
            SELECT id, calling, dialled, carrier, start_at, answer_at IS NOT NULL, duration, billsec, disposition,
                leg, part
            FROM \(table) WHERE day = ? AND start_at < ?
            """ + (excludingHeld ? " AND id NOT IN (SELECT id FROM temp.excluded_records)" : "")
        let statement = try cached(sql, sql)
        statement.bind(1, day.rawValue)
        statement.bind(2, before)
        defer { statement.reset() }
        while try statement.step() { try body(Self.facts(statement)) }
    }

    /// The highest record id of each day in a month's partition: a sequential scan has seen the whole day
    /// once it passes that id.
    public func lastRecordIDs(month: MonthIndex) throws(StoreError) -> [UTCDay: Int64] {
        guard knownPartitions.contains(month) else { return [:] }
        let statement = try connection.prepare(
            "SELECT day, max(id) FROM \(Self.partitionName(month: month)) GROUP BY day"
        )
        var result: [UTCDay: Int64] = [:]
        while try statement.step() { result[UTCDay(statement.int(0))] = statement.int(1) }
        return result
    }

    /// Calls `body` with the facts of every record in a month's partition, in id (storage) order.
    public func forEachRecord(month: MonthIndex, _ body: (borrowing RecordFacts) throws -> Void) throws {
        guard knownPartitions.contains(month) else { return }
        let statement = try connection.prepare(
            """
            SELECT id, calling, dialled, carrier, start_at, answer_at IS NOT NULL, duration, billsec, disposition,
                leg, part
            FROM \(Self.partitionName(month: month))
            """
        )
        while try statement.step() { try body(Self.facts(statement)) }
    }

    @inline(__always)
    static func facts(_ statement: Statement) -> RecordFacts {
        var facts = RecordFacts(
            id: statement.int(0),
            calling: statement.bytes(1),
            dialled: statement.bytes(2),
            carrier: statement.bytes(3),
            start: statement.int(4),
            answered: statement.int(5) != 0,
            duration: statement.int(6),
            billable: statement.int(7),
            disposition: Disposition(rawValue: UInt8(truncatingIfNeeded: statement.int(8))) ?? .unknown
        )
        facts.leg = CallLeg(rawValue: UInt8(truncatingIfNeeded: statement.int(9))) ?? .call
        facts.part = Int(statement.int(10))
        return facts
    }

    /// Deletes the records (and their diversions) that ``forEachRecord(day:before:excludingHeld:_:)``
    /// visits with the same arguments; returns how many records went.
    public func deleteRecords(day: UTCDay, before: Int64, excludingHeld: Bool) throws(StoreError) -> Int64 {
        guard let table = existingPartition(day: day.rawValue) else { return 0 }
        let exclusion = excludingHeld ? " AND id NOT IN (SELECT id FROM temp.excluded_records)" : ""
        let diversionSQL =
            "DELETE FROM diversions WHERE day = ?1 AND record_id IN (SELECT id FROM \(table) WHERE day = ?1 AND start_at < ?2"
            + exclusion + ")"
        let diversions = try cached(diversionSQL, diversionSQL)
        diversions.bind(1, day.rawValue)
        diversions.bind(2, before)
        defer { diversions.reset() }
        try diversions.step()
        let recordSQL = "DELETE FROM \(table) WHERE day = ? AND start_at < ?" + exclusion
        let records = try cached(recordSQL, recordSQL)
        records.bind(1, day.rawValue)
        records.bind(2, before)
        defer { records.reset() }
        try records.step()
        let deleted = Int64(connection.changes)
        if deleted > 0 { try markRebuildDue() }
        return deleted
    }

    /// Records, in the current transaction, that deleted rows may have left copies behind: SQLite's
    /// `secure_delete` zeroes a deleted cell, but a page rebuilt earlier (a B-tree balance) can still hold
    /// an old copy of it in its unused space, which only rebuilding the file removes. ``reclaimSpace()``
    /// then rebuilds it.
    func markRebuildDue() throws(StoreError) {
        try connection.execute("INSERT OR REPLACE INTO store_state(name, value) VALUES ('vacuum_due', 1)")
    }

    /// The distinct closing times of cells whose members are kept because the cell is still open.
    public func openMemberCells() throws(StoreError) -> Set<Int64> {
        let statement = try connection.prepare("SELECT DISTINCT closes_at FROM rollup_members")
        var result = Set<Int64>()
        while try statement.step() { result.insert(statement.int(0)) }
        return result
    }

    /// True when a pseudonym is already counted in an open cell (role 0 callers, 1 called).
    public func isMember(closesAt: Int64, cell: Int64, role: Int64, pseudonym: Int64) throws(StoreError) -> Bool {
        let statement = try member(
            "SELECT 1 FROM rollup_members WHERE closes_at = ? AND cell = ? AND role = ? AND pseudonym = ?",
            closesAt,
            cell,
            role,
            pseudonym
        )
        defer { statement.reset() }
        return try statement.step()
    }

    /// Records a pseudonym as counted in an open cell; true when it was new.
    public func addMember(closesAt: Int64, cell: Int64, role: Int64, pseudonym: Int64) throws(StoreError) -> Bool {
        let statement = try member(
            "INSERT OR IGNORE INTO rollup_members(closes_at, cell, role, pseudonym) VALUES (?, ?, ?, ?)",
            closesAt,
            cell,
            role,
            pseudonym
        )
        defer { statement.reset() }
        try statement.step()
        return connection.changes == 1
    }

    private func member(_ sql: String, _ values: Int64...) throws(StoreError) -> Statement {
        let statement = try cached(sql, sql)
        for (index, value) in values.enumerated() { statement.bind(Int32(index + 1), value) }
        return statement
    }

    /// Forgets the members of every cell closed by `cutoff`; returns how many pseudonyms went.
    public func deleteMembers(closedBy cutoff: Int64) throws(StoreError) -> Int64 {
        let statement = try cached("deleteMembers", "DELETE FROM rollup_members WHERE closes_at <= ?")
        statement.bind(1, cutoff)
        defer { statement.reset() }
        try statement.step()
        return Int64(connection.changes)
    }

    /// Starts the audit record of a retention run; returns its id.
    public func beginRetentionRun(asOf: Int64, recordCutoff: Int64, aggregateCutoff: Int64) throws(StoreError) -> Int64
    {
        let statement = try connection.prepare(
            "INSERT INTO retention_runs(started_at, as_of, record_cutoff, aggregate_cutoff) VALUES (?, ?, ?, ?)"
        )
        statement.bind(1, Self.now())
        statement.bind(2, asOf)
        statement.bind(3, recordCutoff)
        statement.bind(4, aggregateCutoff)
        try statement.step()
        return connection.lastInsertID
    }

    /// Adds one batch's counts to a run's per-month audit (inside the batch's transaction).
    public func addRetentionMonth(runID: Int64, month: String, rolledUp: Int64, held: Int64) throws(StoreError) {
        let statement = try cached(
            "addRetentionMonth",
            """
            INSERT INTO retention_months(run_id, month, rolled_up, held) VALUES (?, ?, ?, ?)
            ON CONFLICT (run_id, month) DO UPDATE SET rolled_up = rolled_up + excluded.rolled_up,
                held = held + excluded.held
            """
        )
        statement.bind(1, runID)
        statement.bind(2, month)
        statement.bind(3, rolledUp)
        statement.bind(4, held)
        defer { statement.reset() }
        try statement.step()
    }

    /// Completes a run's audit record.
    public func finishRetentionRun(id: Int64, aggregatesDeleted: Int64, keysDestroyed: Int64) throws(StoreError) {
        let statement = try connection.prepare(
            "UPDATE retention_runs SET finished_at = ?, aggregates_deleted = ?, keys_destroyed = ? WHERE id = ?"
        )
        statement.bind(1, Self.now())
        statement.bind(2, aggregatesDeleted)
        statement.bind(3, keysDestroyed)
        statement.bind(4, id)
        try statement.step()
    }

    /// The ids of the records of `day` started before `before` that a fraud alert cites as evidence.
    public func evidenceRecordIDs(day: UTCDay, before: Int64) throws(StoreError) -> Set<Int64> {
        guard let table = existingPartition(day: day.rawValue) else { return [] }
        let statement = try connection.prepare(
            """
            SELECT r.id FROM \(table) r
            WHERE r.day = ? AND r.start_at < ? AND r.id IN (SELECT e.value FROM alerts a, json_each(a.evidence) e)
            """
        )
        statement.bind(1, day.rawValue)
        statement.bind(2, before)
        var ids = Set<Int64>()
        while try statement.step() { ids.insert(statement.int(0)) }
        return ids
    }

    /// Deletes the alerts whose last event is before `cutoff` and the cases left without alerts.
    public func deleteAlerts(lastBefore cutoff: Int64) throws(StoreError) -> Int64 {
        let alerts = try connection.prepare("DELETE FROM alerts WHERE last_at < ?")
        alerts.bind(1, cutoff)
        try alerts.step()
        let deleted = Int64(connection.changes)
        try connection.execute("DELETE FROM cases WHERE id NOT IN (SELECT case_id FROM alerts)")
        return deleted
    }

    /// The latest record cut-off of a finished retention run.
    public func publishedThrough() throws(StoreError) -> Int64? {
        let statement = try connection.prepare(
            "SELECT max(record_cutoff) FROM retention_runs WHERE finished_at IS NOT NULL"
        )
        _ = try statement.step()
        return statement.optionalInt(0)
    }

    /// The per-month counts a run recorded, by month.
    public func retentionMonths(runID: Int64) throws(StoreError) -> [(month: String, rolledUp: Int64, held: Int64)] {
        let statement = try connection.prepare(
            "SELECT month, rolled_up, held FROM retention_months WHERE run_id = ? ORDER BY month"
        )
        statement.bind(1, runID)
        var rows: [(month: String, rolledUp: Int64, held: Int64)] = []
        while try statement.step() { rows.append((statement.text(0), statement.int(1), statement.int(2))) }
        return rows
    }

    /// Removes free pages from the file and empties the write-ahead log, so deleted rows survive neither in
    /// free pages, nor in unused space of live pages, nor in old log frames: the whole file is rebuilt
    /// (`VACUUM`) when rows were deleted inside tables that stay or pages were freed unzeroed (both marked
    /// by ``markRebuildDue()``) or when most of it is free; otherwise small free lists are moved to the end
    /// and cut off (`incremental_vacuum`), and large ones (zeroed by `secure_delete`) stay for later loads to
    /// reuse. Must run outside a transaction.
    public func reclaimSpace() throws(StoreError) {
        let free = try pragma("freelist_count")
        let due = try connection.prepare("SELECT count(*) FROM store_state WHERE name = 'vacuum_due' AND value = 1")
        _ = try due.step()
        let rebuildDue = due.int(0) > 0
        due.reset()
        let total = try pragma("page_count")
        if rebuildDue || free * 2 > total {
            try connection.execute("VACUUM")
            try connection.execute("DELETE FROM store_state WHERE name = 'vacuum_due'")
        } else if free > 0 && free <= Self.incrementalVacuumLimit {
            let vacuum = try connection.prepare("PRAGMA incremental_vacuum")
            while try vacuum.step() {}
        }
        let checkpoint = try connection.prepare("PRAGMA wal_checkpoint(TRUNCATE)")
        _ = try checkpoint.step()
    }

    /// Free lists up to this many pages are vacuumed page by page; SQLite's cost per page grows with the
    /// free list, so larger ones are left zeroed for reuse.
    static let incrementalVacuumLimit: Int64 = 16_384
}
