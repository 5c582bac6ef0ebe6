import CDRModel

/// What retention, legal holds and analysts' aggregate queries need of a store, so that the same code runs
/// over the embedded SQLite store and PostgreSQL: month partitions of full records, the aggregate cells
/// and their summaries, the members of still-open cells, holds, retention runs and the audit log.
public protocol RetentionStore: AuditLog, ProfileStore {
    /// Runs `body` in one transaction: all of it is stored, or none of it.
    func atomically<T>(_ body: () throws -> T) throws -> T
    /// Opens the transaction a dry run works in (rolled back by ``endDryRun()``).
    func beginDryRun() throws
    /// Rolls back a dry run's transaction and forgets what it cached.
    func endDryRun() throws
    /// Returns the space deleted rows used (outside a transaction).
    func reclaimSpace() throws

    /// The month indexes that have a partition of full records.
    func partitionMonths() throws -> [MonthIndex]
    /// The records stored in a month's partition.
    func partitionRecordCount(month: MonthIndex) throws -> Int64
    /// Drops a month's partition with its records.
    func dropPartition(month: MonthIndex) throws
    /// For each day of a month, the id of the day's last record in ``forEachRecord(month:_:)``'s order.
    func lastRecordIDs(month: MonthIndex) throws -> [UTCDay: Int64]
    /// Calls `body` with the facts of every record in a month's partition.
    func forEachRecord(month: MonthIndex, _ body: (borrowing RecordFacts) throws -> Void) throws
    /// The first day after `day` (or the first at all) with full records, up to `limit`.
    func nextRecordDay(after day: UTCDay?, through limit: UTCDay) throws -> UTCDay?
    /// The ids of the records of `day` concerning `number` (A, B or diverting party) started in `window`.
    func recordIDs(day: UTCDay, number: String, window: ClosedRange<Int64>) throws -> Set<Int64>
    /// The ids of the records of `day` started before `before` that a fraud alert cites as evidence.
    func evidenceRecordIDs(day: UTCDay, before: Int64) throws -> Set<Int64>
    /// Deletes the fraud alerts whose last event is before `cutoff`, and the cases left without alerts;
    /// returns how many alerts went.
    func deleteAlerts(lastBefore cutoff: Int64) throws -> Int64
    /// Sets the held record ids that the day visits and deletes skip, for the current transaction.
    func setExcludedRecords(_ ids: Set<Int64>) throws
    /// Calls `body` with the facts of each record of `day` started before `before`.
    func forEachRecord(
        day: UTCDay,
        before: Int64,
        excludingHeld: Bool,
        _ body: (borrowing RecordFacts) throws -> Void
    ) throws
    /// Deletes the records the same day visit would see; returns how many went.
    func deleteRecords(day: UTCDay, before: Int64, excludingHeld: Bool) throws -> Int64

    /// The closing times of cells whose members are kept while they are open.
    func openMemberCells() throws -> Set<Int64>
    /// True when a pseudonym is already counted in an open cell.
    func isMember(closesAt: Int64, cell: Int64, role: Int64, pseudonym: Int64) throws -> Bool
    /// Records a pseudonym as counted in an open cell; true when it was new.
    func addMember(closesAt: Int64, cell: Int64, role: Int64, pseudonym: Int64) throws -> Bool
    /// Forgets the members of cells closed by `cutoff`; returns how many went.
    func deleteMembers(closedBy cutoff: Int64) throws -> Int64

    /// Starts a retention run's record; returns its id.
    func beginRetentionRun(asOf: Int64, recordCutoff: Int64, aggregateCutoff: Int64) throws -> Int64
    /// Adds a batch's counts to a run's per-month record.
    func addRetentionMonth(runID: Int64, month: String, rolledUp: Int64, held: Int64) throws
    /// Completes a run's record.
    func finishRetentionRun(id: Int64, aggregatesDeleted: Int64, keysDestroyed: Int64) throws
    /// The latest record cut-off of a finished run: the aggregates of every call started before it are
    /// published.
    func publishedThrough() throws -> Int64?

    /// Adds measures to a cell and its summaries.
    func addAggregate(_ cell: AggregateCell, _ counts: AggregateCounts) throws
    /// The distinct-caller count of a stored cell, nil when it does not exist.
    func aggregateCallers(_ cell: AggregateCell) throws -> Int64?
    /// True when the day has any cell.
    func hasAggregates(day: UTCDay) throws -> Bool
    /// Deletes the cells of days before `day` (and their summaries); returns how many cells went.
    func deleteAggregates(before day: UTCDay) throws -> Int64
    /// Calls `body` with every summary row whose time key is in `times`.
    func forEachSummary(
        _ summary: AggregateSummary,
        times: ClosedRange<Int64>,
        _ body: (AggregateCell, AggregateCounts) throws -> Void
    ) throws
    /// Calls `body` with every cell of the days `days`.
    func forEachAggregate(days: ClosedRange<UTCDay>, _ body: (AggregateCell, AggregateCounts) throws -> Void) throws

    /// Places a hold; returns it with its id.
    func addHold(
        number: String,
        from: Int64?,
        to: Int64?,
        caseRef: String,
        reason: String,
        by actor: String
    ) throws
        -> Hold
    /// The holds, active ones only unless `includeReleased`, oldest first.
    func holds(includeReleased: Bool) throws -> [Hold]
    /// Releases an active hold; nil when no active hold has that id.
    func releaseHold(id: Int64, by actor: String) throws -> Hold?
}

extension RetentionStore {
    /// The active holds, oldest first.
    public func activeHolds() throws -> [Hold] { try holds(includeReleased: false) }

}
