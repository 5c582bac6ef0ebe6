import CDRModel
import CDRStorage
import NIOCore
import PostgresNIO

extension PostgresStore: RetentionStore {
    /// Runs `body` in one transaction: all of it is stored, or none of it.
    public func atomically<T>(_ body: () throws -> T) throws -> T {
        if session.inTransaction { return try body() }
        try session.begin()
        do {
            let result = try body()
            try flushAggregates()
            try session.commit()
            return result
        } catch {
            pendingCells.removeAll()
            try? session.rollback()
            try? reloadPartitions()
            throw error
        }
    }

    /// Opens the transaction a dry run works in.
    public func beginDryRun() throws { try session.begin() }

    /// Rolls back a dry run and reloads the partition list it may have changed.
    public func endDryRun() throws {
        pendingCells.removeAll()
        try session.rollback()
        try reloadPartitions()
    }

    /// Vacuums the partitions rows were deleted from, so their space is reused (dropped partitions gave
    /// theirs back to the file system already).
    public func reclaimSpace() throws {
        for month in vacuumDue.sorted() where knownPartitions.contains(month) {
            try session.execute("VACUUM \(Self.partitionName(month: month))", "vacuuming \(month)")
        }
        vacuumDue.removeAll()
    }

    /// The records in a month's partition.
    public func partitionRecordCount(month: MonthIndex) throws -> Int64 {
        guard knownPartitions.contains(month) else { return 0 }
        let (rows, _) = try session.query(
            PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \(Self.partitionName(month: month))"),
            "counting partition \(month)"
        )
        return try rows.first?.decode(Int64.self) ?? 0
    }

    /// For each day of a month, the id of its last record in (start, id) order, the order
    /// ``forEachRecord(month:_:)`` visits.
    public func lastRecordIDs(month: MonthIndex) throws -> [UTCDay: Int64] {
        guard knownPartitions.contains(month) else { return [:] }
        var result: [UTCDay: Int64] = [:]
        var day = month.firstDay.advanced(by: -1)
        while let next = try nextRecordDay(after: day, through: month.days.upperBound) {
            let (rows, _) = try session.query(
                sql: """
                    SELECT id FROM \(Self.partitionName(month: month)) WHERE start_at >= ? AND start_at < ?
                    ORDER BY start_at DESC, id DESC LIMIT 1
                    """,
                [next.start.rawValue, next.end.rawValue],
                "finding the last record of day \(next)"
            )
            if let id = try rows.first?.decode(Int64.self) { result[next] = id }
            day = next
        }
        return result
    }

    /// Calls `body` with the facts of every record in a month's partition, in (start, id) order.
    public func forEachRecord(month: MonthIndex, _ body: (borrowing RecordFacts) throws -> Void) throws {
        guard knownPartitions.contains(month) else { return }
        try session.forEachRow(
            PostgresQuery(
                unsafeSQL: "SELECT \(Self.factColumns) FROM \(Self.partitionName(month: month)) ORDER BY start_at, id"
            ),
            "reading partition \(month)"
        ) { row in try Self.withFacts(row, body) }
    }

    /// The first day after `day` (or the first at all) on which records started, up to `limit`.
    public func nextRecordDay(after day: UTCDay?, through limit: UTCDay) throws -> UTCDay? {
        try session.read(Self.nextRecordDay(after: day, through: limit))
    }

    /// The read behind ``nextRecordDay(after:through:)``.
    static func nextRecordDay(after day: UTCDay?, through limit: UTCDay) -> PostgresRead<UTCDay?> {
        PostgresRead(
            query: """
                SELECT min(start_at)::bigint FROM records
                WHERE start_at >= \(day?.end.rawValue ?? Int64.min) AND start_at < \(limit.end.rawValue)
                """,
            context: "finding the next day with records"
        ) { rows in (try rows.first?.decode(Int64?.self) ?? nil).map { EpochSeconds($0).day } }
    }

    /// The ids of the records of `day` concerning `number` (A, B or diverting party) started in `window`.
    public func recordIDs(day: UTCDay, number: String, window: ClosedRange<Int64>) throws -> Set<Int64> {
        let from = max(window.lowerBound, day.start.rawValue)
        let to = min(window.upperBound, day.end.rawValue - 1)
        guard from <= to else { return [] }
        let (rows, _) = try session.query(
            sql: """
                SELECT id FROM records WHERE start_at / 86400 = ? AND start_at BETWEEN ? AND ?
                AND (calling = ? OR dialled = ? OR ? = ANY(diverting))
                """,
            [day.rawValue, from, to, number, number, number],
            "finding held records"
        )
        return Set(try rows.map { try $0.decode(Int64.self) })
    }

    /// Sets the held record ids the day visits and deletes skip, for the current transaction.
    public func setExcludedRecords(_ ids: Set<Int64>) throws {
        try session.execute(
            "CREATE TEMP TABLE IF NOT EXISTS excluded_records(id bigint PRIMARY KEY)",
            "creating the held-record list"
        )
        try session.execute("DELETE FROM excluded_records", "emptying the held-record list")
        try session.query(
            sql: "INSERT INTO excluded_records SELECT unnest(?::bigint[])",
            [Array(ids)],
            "listing held records"
        )
    }

    /// Calls `body` with the facts of each record of `day` started before `before`.
    public func forEachRecord(
        day: UTCDay,
        before: Int64,
        excludingHeld: Bool,
        _ body: (borrowing RecordFacts) throws -> Void
    ) throws {
        try session.forEachRow(
            Self.dayRecordsQuery(day, before: before, excludingHeld: excludingHeld),
            "reading day \(day)"
        ) {
            row in try Self.withFacts(row, body)
        }
    }

    /// The facts of the records of `day` started before `before`, the held ones left out when asked.
    static func dayRecordsQuery(_ day: UTCDay, before: Int64, excludingHeld: Bool) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(day.start.rawValue)
        binds.append(min(before, day.end.rawValue))
        return PostgresQuery(
            unsafeSQL: "SELECT \(factColumns) FROM records WHERE start_at >= $1 AND start_at < $2"
                + (excludingHeld ? " AND id NOT IN (SELECT id FROM excluded_records)" : ""),
            binds: binds
        )
    }

    /// Deletes the records the same day visit would see; returns how many went.
    public func deleteRecords(day: UTCDay, before: Int64, excludingHeld: Bool) throws -> Int64 {
        let (_, deleted) = try session.query(
            sql: "DELETE FROM records WHERE start_at >= ? AND start_at < ?"
                + (excludingHeld ? " AND id NOT IN (SELECT id FROM excluded_records)" : ""),
            [day.start.rawValue, min(before, day.end.rawValue)],
            "deleting day \(day)"
        )
        if deleted > 0 { vacuumDue.insert(day.month) }
        return Int64(deleted)
    }

    /// The closing times of cells whose members are kept while they are open.
    public func openMemberCells() throws -> Set<Int64> {
        let (rows, _) = try session.query("SELECT DISTINCT closes_at FROM rollup_members", "listing open cells")
        return Set(try rows.map { try $0.decode(Int64.self) })
    }

    /// True when a pseudonym is already counted in an open cell.
    public func isMember(closesAt: Int64, cell: Int64, role: Int64, pseudonym: Int64) throws -> Bool {
        let (rows, _) = try session.query(
            sql: "SELECT 1 FROM rollup_members WHERE closes_at = ? AND cell = ? AND role = ? AND pseudonym = ?",
            [closesAt, cell, role, pseudonym],
            "reading cell members"
        )
        return !rows.isEmpty
    }

    /// Records a pseudonym as counted in an open cell; true when it was new.
    public func addMember(closesAt: Int64, cell: Int64, role: Int64, pseudonym: Int64) throws -> Bool {
        let (_, added) = try session.query(
            sql: """
                INSERT INTO rollup_members(closes_at, cell, role, pseudonym) VALUES (?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """,
            [closesAt, cell, role, pseudonym],
            "adding a cell member"
        )
        return added == 1
    }

    /// Forgets the members of cells closed by `cutoff`.
    public func deleteMembers(closedBy cutoff: Int64) throws -> Int64 {
        let (_, deleted) = try session.query(
            sql: "DELETE FROM rollup_members WHERE closes_at <= ?",
            [cutoff],
            "forgetting closed cells' members"
        )
        return Int64(deleted)
    }

    /// Starts a retention run's record; returns its id.
    public func beginRetentionRun(asOf: Int64, recordCutoff: Int64, aggregateCutoff: Int64) throws -> Int64 {
        let (rows, _) = try session.query(
            sql: """
                INSERT INTO retention_runs(started_at, as_of, record_cutoff, aggregate_cutoff)
                VALUES (?, ?, ?, ?) RETURNING id
                """,
            [PostgresStore.now(), asOf, recordCutoff, aggregateCutoff],
            "starting a retention run"
        )
        return try rows.first?.decode(Int64.self) ?? 0
    }

    /// Adds a batch's counts to a run's per-month record.
    public func addRetentionMonth(runID: Int64, month: String, rolledUp: Int64, held: Int64) throws {
        try session.query(
            sql: """
                INSERT INTO retention_months(run_id, month, rolled_up, held) VALUES (?, ?, ?, ?)
                ON CONFLICT (run_id, month) DO UPDATE SET rolled_up = retention_months.rolled_up + excluded.rolled_up,
                    held = retention_months.held + excluded.held
                """,
            [runID, month, rolledUp, held],
            "recording retention of \(month)"
        )
    }

    /// Completes a run's record.
    public func finishRetentionRun(id: Int64, aggregatesDeleted: Int64, keysDestroyed: Int64) throws {
        try session.query(
            sql: "UPDATE retention_runs SET finished_at = ?, aggregates_deleted = ?, keys_destroyed = ? WHERE id = ?",
            [PostgresStore.now(), aggregatesDeleted, keysDestroyed, id],
            "finishing retention run \(id)"
        )
    }

    /// The ids of the records of `day` started before `before` that a fraud alert cites as evidence.
    public func evidenceRecordIDs(day: UTCDay, before: Int64) throws -> Set<Int64> {
        let (rows, _) = try session.query(
            sql: """
                SELECT r.id FROM records r
                WHERE r.start_at >= ? AND r.start_at < ? AND r.id IN (SELECT unnest(evidence) FROM alerts)
                """,
            [day.start.rawValue, min(before, day.end.rawValue)],
            "finding fraud evidence"
        )
        return Set(try rows.map { try $0.decode(Int64.self) })
    }

    /// Deletes the alerts whose last event is before `cutoff` and the cases left without alerts.
    public func deleteAlerts(lastBefore cutoff: Int64) throws -> Int64 {
        let (_, deleted) = try session.query(
            sql: "DELETE FROM alerts WHERE last_at < ?",
            [cutoff],
            "deleting expired alerts"
        )
        try session.execute(
            "DELETE FROM cases WHERE id NOT IN (SELECT case_id FROM alerts)",
            "deleting cases without alerts"
        )
        return Int64(deleted)
    }

    /// The latest record cut-off of a finished retention run.
    public func publishedThrough() throws -> Int64? {
        let (rows, _) = try session.query(
            PostgresQuery(
                unsafeSQL: "SELECT max(record_cutoff)::bigint FROM retention_runs WHERE finished_at IS NOT NULL"
            ),
            "reading the last finished cut-off"
        )
        return try rows.first?.decode(Int64?.self) ?? nil
    }

    static let factColumns =
        "id, calling, dialled, carrier, start_at, answer_at IS NOT NULL, duration, billsec, disposition::bigint, "
        + "leg::bigint, part::bigint"

    /// Calls `body` with a row's facts, its text borrowed from the row's buffers.
    static func withFacts(_ row: PostgresRow, _ body: (borrowing RecordFacts) throws -> Void) throws {
        let cells = row.makeRandomAccess()
        let id = try cells[0].decode(Int64.self)
        let start = try cells[4].decode(Int64.self)
        let answered = try cells[5].decode(Bool.self)
        let duration = try cells[6].decode(Int64.self)
        let billable = try cells[7].decode(Int64.self)
        let disposition = Disposition(rawValue: UInt8(truncatingIfNeeded: try cells[8].decode(Int64.self)))
        let leg = CallLeg(rawValue: UInt8(truncatingIfNeeded: try cells[9].decode(Int64.self))) ?? .call
        let part = Int(try cells[10].decode(Int64.self))
        let empty = ByteBuffer()
        try (cells[1].bytes ?? empty).withUnsafeReadableBytes { calling in
            try (cells[2].bytes ?? empty).withUnsafeReadableBytes { dialled in
                try (cells[3].bytes ?? empty).withUnsafeReadableBytes { carrier in
                    var facts = RecordFacts(
                        id: id,
                        calling: calling,
                        dialled: dialled,
                        carrier: carrier,
                        start: start,
                        answered: answered,
                        duration: duration,
                        billable: billable,
                        disposition: disposition ?? .unknown
                    )
                    facts.leg = leg
                    facts.part = part
                    try body(facts)
                }
            }
        }
    }
}
