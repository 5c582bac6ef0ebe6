import CDRModel
import CDRStorage
import Crypto

/// Applies the retention policy to a store: full records past their limit and not held are folded into
/// the aggregates and deleted in the same transaction (one per UTC day), aggregates past theirs are
/// deleted, period keys no longer needed are destroyed, and the freed space is wiped and returned.
public final class Retainer {
    private let store: any RetentionStore
    private let policy: RetentionPolicy
    private let vault: KeyVault
    private let vocabulary: CellVocabulary
    /// The cut-off of the last finished run, read at the start of each run (see ``Rollup/lateBefore``).
    private var lateBefore: Int64?
    private let actor: String

    /// Creates a retainer; `actor` names who runs it in the audit log.
    public init(store: any RetentionStore, policy: RetentionPolicy, vault: KeyVault, actor: String) {
        self.store = store
        self.policy = policy
        self.vault = vault
        self.actor = actor
        vocabulary = CellVocabulary(classifier: NumberClassifier(homeCountryCode: policy.homeCountryCode))
    }

    /// Full records that started before this instant are due at `asOf`.
    public func recordCutoff(asOf: Int64) -> Int64 {
        CivilTime.adding(months: Int64(-policy.fullRecordMonths), to: asOf)
    }

    /// The days after the cut-off's day that hold due records under the month-end rule, each with the
    /// instant before which its records are due.
    ///
    /// A record is due ``RetentionPolicy/fullRecordMonths`` calendar months after its start, on the same day
    /// of the month or the month's last day when it has fewer (31 August → 28/29 February), at the same time
    /// of day. When `asOf` falls on the last day of a month, the source month's later days (31 May for
    /// 30 November) all fall due on that day, each up to `asOf`'s time of day; ``recordCutoff(asOf:)``
    /// alone would keep them.
    public func monthEndWindows(asOf: Int64) -> [(day: UTCDay, before: Int64)] {
        let asOfDay = EpochSeconds(asOf).day
        let timeOfDay = asOf - asOfDay.start.rawValue
        let (year, month, day) = asOfDay.date
        guard day == CivilTime.daysInMonth(year: year, month: month) else { return [] }
        let index = year * 12 + (month - 1) - Int64(policy.fullRecordMonths)
        let sourceYear = index >= 0 ? index / 12 : (index - 11) / 12
        let sourceMonth = index - sourceYear * 12 + 1
        let last = CivilTime.daysInMonth(year: sourceYear, month: sourceMonth)
        guard last > day else { return [] }
        return ((day + 1)...last).map { sourceDay in
            let due = UTCDay(year: sourceYear, month: sourceMonth, day: sourceDay)
            return (due, due.start.rawValue + timeOfDay)
        }
    }

    /// Aggregates of days before this day are due at `asOf`.
    public func aggregateCutoffDay(asOf: Int64) -> UTCDay {
        EpochSeconds(asOf).adding(months: Int64(-12 * policy.aggregateYears)).day
    }

    /// Runs retention as of `asOf`. A dry run does everything inside one transaction and rolls it back.
    /// `progress` is told after each day.
    public func run(
        asOf: Int64,
        dryRun: Bool = false,
        progress: (UTCDay) -> Void = { _ in }
    ) throws(RetentionError) -> RetentionReport {
        try RetentionError.wrapping { try runThrowing(asOf: asOf, dryRun: dryRun, progress: progress) }
    }

    /// What one run carries from step to step: its clock, the holds and open cells it works against, and
    /// what it has rolled up so far, per month.
    private struct Pass {
        let asOf: Int64
        let cutoff: Int64
        let dryRun: Bool
        let runID: Int64
        let holds: [Hold]
        let openClosings: Set<Int64>
        var months: [String: RetentionReport.Month] = [:]
        var cellsWritten: Int64 = 0

        mutating func count(month: MonthIndex, rolledUp: Int64, held: Int64, cells: Int64) {
            let name = month.description
            months[name, default: .init(month: name, rolledUp: 0, held: 0)].rolledUp += rolledUp
            months[name, default: .init(month: name, rolledUp: 0, held: 0)].held += held
            cellsWritten += cells
        }
    }

    /// Runs `body` in its own transaction, or inside the dry run's one.
    private func batch<T>(_ dryRun: Bool, _ body: () throws -> T) throws -> T {
        dryRun ? try body() : try store.atomically(body)
    }

    private func runThrowing(asOf: Int64, dryRun: Bool, progress: (UTCDay) -> Void) throws -> RetentionReport {
        let cutoff = recordCutoff(asOf: asOf)
        let aggregateDay = aggregateCutoffDay(asOf: asOf)
        var report = RetentionReport(
            asOf: asOf,
            recordCutoff: cutoff,
            aggregateCutoffDay: aggregateDay,
            dryRun: dryRun,
            months: [],
            cellsWritten: 0,
            aggregatesDeleted: 0,
            keysDestroyed: 0
        )
        if dryRun { try store.beginDryRun() }
        defer {
            if dryRun { try? store.endDryRun() }
        }
        if !dryRun { try store.reclaimSpace() }
        let runID = try batch(dryRun) {
            try store.beginRetentionRun(asOf: asOf, recordCutoff: cutoff, aggregateCutoff: aggregateDay.start.rawValue)
        }
        report.alertsDeleted = try batch(dryRun) { try store.deleteAlerts(lastBefore: cutoff) }
        var pass = Pass(
            asOf: asOf,
            cutoff: cutoff,
            dryRun: dryRun,
            runID: runID,
            holds: try store.activeHolds(),
            openClosings: try store.openMemberCells()
        )
        lateBefore = try store.publishedThrough()
        try rollUpWholeMonths(&pass, progress: progress)
        try rollUpDays(&pass, progress: progress)
        try rollUpMonthEnds(&pass, progress: progress)
        report.months = pass.months.values.sorted { $0.month < $1.month }
        report.cellsWritten = pass.cellsWritten
        let lastDueDay = ([EpochSeconds(cutoff - 1).day] + monthEndWindows(asOf: asOf).map(\.day)).max()!
        report.profilesExpired = try batch(dryRun) { try store.deleteProfiles(lastSeenBefore: lastDueDay.next) }
        report.aggregatesDeleted = try batch(dryRun) { () throws -> Int64 in
            let deleted = try store.deleteAggregates(before: aggregateDay)
            _ = try store.deleteMembers(closedBy: cutoff)
            return deleted
        }
        let inUse = Set(try store.openMemberCells().map { EpochSeconds($0 - 1).day.month })
        let destroy = vault.periodMonths().filter { !inUse.contains($0) }
        report.keysDestroyed = Int64(destroy.count)
        if dryRun { return report }
        try finish(report, runID: runID)
        for month in destroy { try vault.destroyPeriodKey(month: month) }
        try store.reclaimSpace()
        report.runID = runID
        return report
    }

    /// Months wholly past the cut-off: each rolled up and dropped in one pass (unless a hold covers it).
    private func rollUpWholeMonths(_ pass: inout Pass, progress: (UTCDay) -> Void) throws {
        for month in try store.partitionMonths() where month.next.firstDay.start.rawValue <= pass.cutoff {
            let current = pass
            guard
                let (rolledUp, cells) = try batch(
                    pass.dryRun,
                    {
                        try rollUpPartition(
                            month: month,
                            cutoff: current.cutoff,
                            holds: current.holds,
                            openClosings: current.openClosings,
                            runID: current.runID,
                            dryRun: current.dryRun
                        )
                    }
                )
            else { continue }
            pass.count(month: month, rolledUp: rolledUp, held: 0, cells: cells)
            progress(month.days.upperBound)
        }
    }

    /// The days before the cut-off still holding records: each rolled up with row deletes, in its own
    /// transaction.
    private func rollUpDays(_ pass: inout Pass, progress: (UTCDay) -> Void) throws {
        var day: UTCDay?
        while let next = try store.nextRecordDay(after: day, through: EpochSeconds(pass.cutoff - 1).day) {
            day = next
            let current = pass
            let (rolledUp, held, cells) = try batch(pass.dryRun) {
                try rollUp(
                    day: next,
                    cutoff: current.cutoff,
                    holds: current.holds,
                    openClosings: current.openClosings,
                    runID: current.runID,
                    dryRun: current.dryRun
                )
            }
            if rolledUp == 0 && held == 0 { continue }
            pass.count(month: next.month, rolledUp: rolledUp, held: held, cells: cells)
            progress(next)
        }
    }

    /// The last days of a longer source month that fall due on a shorter month's last day (the month-end rule).
    private func rollUpMonthEnds(_ pass: inout Pass, progress: (UTCDay) -> Void) throws {
        for window in monthEndWindows(asOf: pass.asOf)
        where try store.nextRecordDay(after: window.day.advanced(by: -1), through: window.day) == window.day {
            let current = pass
            let (rolledUp, held, cells) = try batch(pass.dryRun) {
                try rollUp(
                    day: window.day,
                    cutoff: current.cutoff,
                    before: window.before,
                    holds: current.holds,
                    openClosings: current.openClosings,
                    runID: current.runID,
                    dryRun: current.dryRun
                )
            }
            if rolledUp == 0 && held == 0 { continue }
            pass.count(month: window.day.month, rolledUp: rolledUp, held: held, cells: cells)
            progress(window.day)
        }
    }

    /// Records the finished run and its audit entry in one transaction.
    private func finish(_ report: RetentionReport, runID: Int64) throws {
        try store.atomically {
            try store.finishRetentionRun(
                id: runID,
                aggregatesDeleted: report.aggregatesDeleted,
                keysDestroyed: report.keysDestroyed
            )
            try store.appendAudit(
                actor: actor,
                action: "retain",
                outcome: "ok",
                detail:
                    "run \(runID) as of \(CivilTime.iso8601(report.asOf)): rolled up \(report.rolledUp), held "
                    + "\(report.held), aggregate cells deleted \(report.aggregatesDeleted), keys destroyed "
                    + "\(report.keysDestroyed), alerts expired \(report.alertsDeleted), profiles expired "
                    + "\(report.profilesExpired)"
            )
        }
    }

    /// Rolls up every record of a month that is wholly past its limit and drops the month's partition, in
    /// one transaction; returns nil (and does nothing) when a hold covers any of its records.
    private func rollUpPartition(
        month: MonthIndex,
        cutoff: Int64,
        holds: [Hold],
        openClosings: Set<Int64>,
        runID: Int64,
        dryRun: Bool
    ) throws -> (Int64, Int64)? {
        let lastDay = month.days.upperBound
        var days: [UTCDay] = []
        var day = month.firstDay.advanced(by: -1)
        while let next = try store.nextRecordDay(after: day, through: lastDay) {
            if !(try heldRecords(day: next, before: next.end.rawValue, holds: holds)).isEmpty { return nil }
            if !(try store.evidenceRecordIDs(day: next, before: next.end.rawValue)).isEmpty { return nil }
            days.append(next)
            day = next
        }
        var rolledUp: Int64 = 0
        var cells: Int64 = 0
        let lastIDs = try store.lastRecordIDs(month: month)
        var open: [UTCDay: Rollup] = [:]
        try store.forEachRecord(month: month) { facts in
            let day = EpochSeconds(facts.start).day
            let rollup: Rollup
            if let existing = open[day] {
                rollup = existing
            } else {
                rollup = try makeRollup(day: day, cutoff: cutoff, openClosings: openClosings, dryRun: dryRun)
                open[day] = rollup
            }
            rollup.add(facts)
            if lastIDs[day] == facts.id {
                rolledUp += rollup.records
                cells += try publish(rollup, cutoff: cutoff, openClosings: openClosings)
                open[day] = nil
            }
        }
        guard open.isEmpty, days.count == lastIDs.count else {
            throw RetentionError.mismatch(day: lastDay, rolledUp: rolledUp, deleted: -1)
        }
        let stored = try store.partitionRecordCount(month: month)
        guard stored == rolledUp else {
            throw RetentionError.mismatch(day: lastDay, rolledUp: rolledUp, deleted: stored)
        }
        try store.dropPartition(month: month)
        try store.addRetentionMonth(runID: runID, month: month.description, rolledUp: rolledUp, held: 0)
        return (rolledUp, cells)
    }

    /// The ids of a day's records started before `before` that an active hold covers.
    private func heldRecords(day: UTCDay, before: Int64, holds: [Hold]) throws -> Set<Int64> {
        let dayStart = day.start.rawValue
        var held = Set<Int64>()
        for hold in holds where hold.window.lowerBound < before && hold.window.upperBound >= dayStart {
            let window = max(hold.window.lowerBound, dayStart)...min(hold.window.upperBound, before - 1)
            held.formUnion(try store.recordIDs(day: day, number: hold.number, window: window))
        }
        return held
    }

    /// Rolls up and deletes one day's due, unheld records; returns (rolled up, held, cells written).
    private func rollUp(
        day: UTCDay,
        cutoff: Int64,
        before dueBefore: Int64? = nil,
        holds: [Hold],
        openClosings: Set<Int64>,
        runID: Int64,
        dryRun: Bool
    ) throws -> (Int64, Int64, Int64) {
        let before = dueBefore ?? min(cutoff, day.end.rawValue)
        let held = try heldRecords(day: day, before: before, holds: holds)
            .union(try store.evidenceRecordIDs(day: day, before: before))
        if !held.isEmpty { try store.setExcludedRecords(held) }
        let (records, cells) = try aggregate(
            day: day,
            before: before,
            cutoff: cutoff,
            excludingHeld: !held.isEmpty,
            openClosings: openClosings,
            dryRun: dryRun
        )
        let deleted = try store.deleteRecords(day: day, before: before, excludingHeld: !held.isEmpty)
        guard deleted == records else { throw RetentionError.mismatch(day: day, rolledUp: records, deleted: deleted) }
        if deleted > 0 || !held.isEmpty {
            try store.addRetentionMonth(
                runID: runID,
                month: day.month.description,
                rolledUp: deleted,
                held: Int64(held.count)
            )
        }
        return (deleted, Int64(held.count), cells)
    }

    /// Folds one day's due records (started before `before`, held ones excluded) into the aggregates;
    /// returns (records, cells written). Deleting them is the caller's part of the same transaction.
    private func aggregate(
        day: UTCDay,
        before: Int64,
        cutoff: Int64,
        excludingHeld: Bool,
        openClosings: Set<Int64>,
        dryRun: Bool
    ) throws -> (Int64, Int64) {
        let rollup = try makeRollup(day: day, cutoff: cutoff, openClosings: openClosings, dryRun: dryRun)
        try store.forEachRecord(day: day, before: before, excludingHeld: excludingHeld) { rollup.add($0) }
        return (rollup.records, try publish(rollup, cutoff: cutoff, openClosings: openClosings))
    }

    /// Whether a cell closing at `closesAt` must have its members stored (it is still open, or was open in
    /// an earlier run).
    private func tracked(_ closesAt: Int64, cutoff: Int64, openClosings: Set<Int64>) -> Bool {
        closesAt > cutoff || openClosings.contains(closesAt)
    }

    /// An empty roll-up of a day, with keyed identities when any of its cells is or was open.
    private func makeRollup(day: UTCDay, cutoff: Int64, openClosings: Set<Int64>, dryRun: Bool) throws -> Rollup {
        var identity = Rollup.Identity.transient
        if tracked(day.end.rawValue, cutoff: cutoff, openClosings: openClosings) {
            let month = day.month
            let key = dryRun ? try vault.existingPeriodKey(month: month) : try vault.periodKey(month: month)
            identity = .keyed(key ?? SymmetricKey(size: .bits256))
        }
        let rollup = Rollup(day: day, vocabulary: vocabulary, identity: identity)
        rollup.lateBefore = lateBefore
        return rollup
    }

    /// Writes a roll-up's cells under the small-cell rule; returns how many cells were written.
    private func publish(_ rollup: Rollup, cutoff: Int64, openClosings: Set<Int64>) throws -> Int64 {
        let keyed = tracked(rollup.day.end.rawValue, cutoff: cutoff, openClosings: openClosings)
        let hasStored = try store.hasAggregates(day: rollup.day)
        let k = Int64(policy.smallCellK)
        let cells = try rollup.cells(k: policy.smallCellK) { cell, group in
            guard hasStored, let stored = try store.aggregateCallers(cell) else { return false }
            if stored >= k { return true }
            let closesAt = Self.closesAt(cell)
            guard tracked(closesAt, cutoff: cutoff, openClosings: openClosings) else { return false }
            let id = Rollup.cellID(cell)
            var union = stored
            for party in group.callers
            where !(try store.isMember(closesAt: closesAt, cell: id, role: 0, pseudonym: Int64(bitPattern: party))) {
                union += 1
            }
            return union >= k
        }
        for (cell, group) in cells {
            var counts = group.counts
            let closesAt = Self.closesAt(cell)
            if keyed && tracked(closesAt, cutoff: cutoff, openClosings: openClosings) {
                let id = Rollup.cellID(cell)
                for party in group.callers
                where try store.addMember(closesAt: closesAt, cell: id, role: 0, pseudonym: Int64(bitPattern: party)) {
                    counts.callers += 1
                }
                for party in group.called
                where try store.addMember(closesAt: closesAt, cell: id, role: 1, pseudonym: Int64(bitPattern: party)) {
                    counts.called += 1
                }
            } else {
                counts.callers = Int64(group.callers.count)
                counts.called = Int64(group.called.count)
            }
            try store.addAggregate(cell, counts)
        }
        return Int64(cells.count)
    }

    /// When a cell can receive no more records: the end of its hour, or of its day for a whole-day cell.
    static func closesAt(_ cell: AggregateCell) -> Int64 {
        UTCDay(cell.day).start.rawValue
            + (cell.hour == AggregateCell.wholeDay ? UTCDay.seconds : (cell.hour + 1) * 3_600)
    }
}
