import CDRModel
import CDRStorage

extension SQLiteStore {
    /// Adds measures to a cell, creating it when new (distinct counts add as given).
    public func addAggregate(_ cell: AggregateCell, _ counts: AggregateCounts) throws(StoreError) {
        let statement = try cached(
            "addAggregate",
            """
            INSERT INTO aggregates(day, hour, carrier, country, type, area, direction, disposition, calls, answered,
                effective, seconds, billable, h0, h1, h2, h3, h4, h5, h6, h7, callers, called)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, hour, carrier, country, type, area, direction, disposition) DO UPDATE SET
                calls = calls + excluded.calls, answered = answered + excluded.answered,
                effective = effective + excluded.effective, seconds = seconds + excluded.seconds,
                billable = billable + excluded.billable, h0 = h0 + excluded.h0, h1 = h1 + excluded.h1,
                h2 = h2 + excluded.h2, h3 = h3 + excluded.h3, h4 = h4 + excluded.h4, h5 = h5 + excluded.h5,
                h6 = h6 + excluded.h6, h7 = h7 + excluded.h7, callers = callers + excluded.callers,
                called = called + excluded.called
            """
        )
        bind(cell, to: statement)
        let values =
            [counts.calls, counts.answered, counts.effective, counts.seconds, counts.billable]
            + counts.histogram + [counts.callers, counts.called]
        for (offset, value) in values.enumerated() { statement.bind(Int32(9 + offset), value) }
        defer { statement.reset() }
        try statement.step()
        for summary in AggregateSummary.allCases {
            let statement = try cached(summary.table, summary.upsert)
            statement.bind(1, summary.time(ofDay: cell.day))
            let dimensions = [cell.carrier, cell.country, cell.type, cell.direction, cell.disposition]
            for (offset, value) in dimensions.prefix(summary.dimensions.count).enumerated() {
                statement.bind(Int32(2 + offset), value)
            }
            let first = Int32(2 + summary.dimensions.count)
            for (offset, value) in values.enumerated() { statement.bind(first + Int32(offset), value) }
            defer { statement.reset() }
            try statement.step()
        }
    }

    /// The distinct-caller count of a stored cell, or nil when the cell does not exist.
    public func aggregateCallers(_ cell: AggregateCell) throws(StoreError) -> Int64? {
        let statement = try cached(
            "aggregateCallers",
            """
            SELECT callers FROM aggregates WHERE day = ? AND hour = ? AND carrier = ? AND country = ? AND type = ?
                AND area = ? AND direction = ? AND disposition = ?
            """
        )
        bind(cell, to: statement)
        defer { statement.reset() }
        return try statement.step() ? statement.int(0) : nil
    }

    /// True when any aggregate cell exists for the day.
    public func hasAggregates(day: UTCDay) throws(StoreError) -> Bool {
        let statement = try cached("hasAggregates", "SELECT 1 FROM aggregates WHERE day = ? LIMIT 1")
        statement.bind(1, day.rawValue)
        defer { statement.reset() }
        return try statement.step()
    }

    /// Deletes the aggregates of days before `day`; returns how many cells went. The monthly summary
    /// loses the months before `day`'s month and has that month rebuilt from the cells that remain.
    public func deleteAggregates(before day: UTCDay) throws(StoreError) -> Int64 {
        let statement = try cached("deleteAggregates", "DELETE FROM aggregates WHERE day < ?")
        statement.bind(1, day.rawValue)
        defer { statement.reset() }
        try statement.step()
        let deleted = Int64(connection.changes)
        guard deleted > 0 else { return 0 }
        let month = day.month
        try connection.execute(
            """
            DELETE FROM aggregates_monthly WHERE month <= \(month.rawValue);
            DELETE FROM aggregates_daily WHERE day < \(day.rawValue);
            DELETE FROM aggregates_day_totals WHERE day < \(day.rawValue);
            \(AggregateSummary.monthly.rebuild(days: day.rawValue...month.days.upperBound.rawValue, time: month.rawValue));
            """
        )
        return deleted
    }

    /// Calls `body` with every row of a summary whose time key (month index or day number) is in `times`;
    /// dimensions the summary does not keep read as folded, and the hour as the whole day.
    public func forEachSummary(
        _ summary: AggregateSummary,
        times: ClosedRange<Int64>,
        _ body: (AggregateCell, AggregateCounts) throws -> Void
    ) throws {
        let columns = [summary.timeColumn] + summary.dimensions + AggregateSummary.measures
        let statement = try connection.prepare(
            "SELECT \(columns.joined(separator: ", ")) FROM \(summary.table) WHERE \(summary.timeColumn) BETWEEN ? AND ?"
        )
        statement.bind(1, times.lowerBound)
        statement.bind(2, times.upperBound)
        let kept = Int32(summary.dimensions.count)
        while try statement.step() {
            func dimension(_ index: Int32) -> String { index < kept ? statement.text(1 + index) : AggregateCell.folded }
            let time = statement.int(0)
            let cell = AggregateCell(
                day: summary == .monthly ? CivilTime.firstDay(ofMonth: time) : time,
                hour: AggregateCell.wholeDay,
                carrier: dimension(0),
                country: dimension(1),
                type: dimension(2),
                area: AggregateCell.folded,
                direction: dimension(3),
                disposition: dimension(4)
            )
            try body(cell, Self.counts(statement, from: 1 + kept))
        }
    }

    /// Calls `body` with every stored cell whose day is in `days`, in key order.
    public func forEachAggregate(
        days: ClosedRange<UTCDay>,
        _ body: (AggregateCell, AggregateCounts) throws -> Void
    ) throws {
        let statement = try connection.prepare(
            """
            SELECT day, hour, carrier, country, type, area, direction, disposition, calls, answered, effective,
                seconds, billable, h0, h1, h2, h3, h4, h5, h6, h7, callers, called
            FROM aggregates WHERE day BETWEEN ? AND ?
            """
        )
        statement.bind(1, days.lowerBound.rawValue)
        statement.bind(2, days.upperBound.rawValue)
        while try statement.step() {
            let cell = AggregateCell(
                day: statement.int(0),
                hour: statement.int(1),
                carrier: statement.text(2),
                country: statement.text(3),
                type: statement.text(4),
                area: statement.text(5),
                direction: statement.text(6),
                disposition: statement.text(7)
            )
            try body(cell, Self.counts(statement, from: 8))
        }
    }

    /// The measures in the columns from `first` on, in ``AggregateSummary/measures`` order.
    private static func counts(_ statement: Statement, from first: Int32) -> AggregateCounts {
        var counts = AggregateCounts()
        counts.calls = statement.int(first)
        counts.answered = statement.int(first + 1)
        counts.effective = statement.int(first + 2)
        counts.seconds = statement.int(first + 3)
        counts.billable = statement.int(first + 4)
        counts.histogram = (0..<Int32(AggregateCounts.histogramBuckets)).map { statement.int(first + 5 + $0) }
        counts.callers = statement.int(first + 13)
        counts.called = statement.int(first + 14)
        return counts
    }

    private func bind(_ cell: AggregateCell, to statement: Statement) {
        statement.bind(1, cell.day)
        statement.bind(2, cell.hour)
        statement.bind(3, cell.carrier)
        statement.bind(4, cell.country)
        statement.bind(5, cell.type)
        statement.bind(6, cell.area)
        statement.bind(7, cell.direction)
        statement.bind(8, cell.disposition)
    }
}
