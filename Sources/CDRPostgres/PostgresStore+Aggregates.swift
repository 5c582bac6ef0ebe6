import CDRModel
import CDRStorage
import Foundation
import PostgresNIO

extension PostgresStore {
    static let cellColumns = "day, hour, carrier, country, type, area, direction, disposition"

    /// The stored side of each sum qualified (PostgreSQL finds a bare column name ambiguous).
    static func qualifiedSums(_ table: String) -> String {
        AggregateSummary.measures.map { "\($0) = \(table).\($0) + excluded.\($0)" }.joined(separator: ", ")
    }

    static func cellValues(_ cell: AggregateCell) -> [any PostgresNonThrowingEncodable] {
        [cell.day, cell.hour, cell.carrier, cell.country, cell.type, cell.area, cell.direction, cell.disposition]
    }

    static func measureValues(_ counts: AggregateCounts) -> [Int64] {
        [counts.calls, counts.answered, counts.effective, counts.seconds, counts.billable] + counts.histogram + [
            counts.callers, counts.called,
        ]
    }

    /// Adds measures to a cell and its summaries. Cells are gathered and written together, one statement
    /// per table, before anything reads aggregates and before the transaction commits.
    public func addAggregate(_ cell: AggregateCell, _ counts: AggregateCounts) throws {
        pendingCells[cell, default: AggregateCounts()].add(counts)
        if pendingCells.count >= 50_000 { try flushAggregates() }
    }

    /// Writes the gathered cells and their summary rows.
    func flushAggregates() throws(PostgresStoreError) {
        if pendingCells.isEmpty { return }
        let cells = pendingCells
        pendingCells.removeAll(keepingCapacity: true)
        try upsert(
            table: "aggregates",
            keys: [
                ("day", "bigint"), ("hour", "bigint"), ("carrier", "text"), ("country", "text"), ("type", "text"),
                ("area", "text"), ("direction", "text"), ("disposition", "text"),
            ],
            rows: cells.map { cell, counts in
                (Self.cellValues(cell), counts)
            }
        )
        for summary in AggregateSummary.allCases {
            var rows: [[String]: (time: Int64, counts: AggregateCounts)] = [:]
            for (cell, counts) in cells {
                let dimensions = Array(
                    [cell.carrier, cell.country, cell.type, cell.direction, cell.disposition]
                        .prefix(summary.dimensions.count)
                )
                let time = summary.time(ofDay: cell.day)
                rows[[String(time)] + dimensions, default: (time, AggregateCounts())].counts.add(counts)
            }
            try upsert(
                table: summary.table,
                keys: [(summary.timeColumn, "bigint")] + summary.dimensions.map { ($0, "text") },
                rows: rows.map { key, value in
                    ([value.time] + key.dropFirst().map { $0 as any PostgresNonThrowingEncodable }, value.counts)
                }
            )
        }
    }

    /// One `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE` adding `rows` (distinct keys) to `table`.
    private func upsert(
        table: String,
        keys: [(name: String, type: String)],
        rows: [(key: [any PostgresNonThrowingEncodable], counts: AggregateCounts)]
    ) throws(PostgresStoreError) {
        if rows.isEmpty { return }
        var binds = PostgresBindings()
        for (index, key) in keys.enumerated() {
            if key.type == "bigint" {
                binds.append(rows.map { $0.key[index] as? Int64 ?? 0 })
            } else {
                binds.append(rows.map { $0.key[index] as? String ?? "" })
            }
        }
        let measures = rows.map { Self.measureValues($0.counts) }
        for index in AggregateSummary.measures.indices { binds.append(measures.map { $0[index] }) }
        let columns = keys.map(\.name) + AggregateSummary.measures
        let types = keys.map(\.type) + AggregateSummary.measures.map { _ in "bigint" }
        let arrays = types.enumerated().map { "$\($0.offset + 1)::\($0.element)[]" }.joined(separator: ", ")
        try session.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO \(table)(\(columns.joined(separator: ", "))) SELECT * FROM unnest(\(arrays))
                    ON CONFLICT (\(keys.map(\.name).joined(separator: ", "))) DO UPDATE SET \(Self.qualifiedSums(table))
                    """,
                binds: binds
            ),
            "adding \(rows.count) rows to \(table)"
        )
    }

    /// The distinct-caller count of a stored cell, nil when it does not exist.
    public func aggregateCallers(_ cell: AggregateCell) throws -> Int64? {
        try flushAggregates()
        let (rows, _) = try session.query(
            sql: """
                SELECT callers FROM aggregates WHERE day = ? AND hour = ? AND carrier = ? AND country = ? AND type = ?
                    AND area = ? AND direction = ? AND disposition = ?
                """,
            Self.cellValues(cell),
            "reading an aggregate cell"
        )
        return try rows.first?.decode(Int64.self)
    }

    /// True when the day has any cell.
    public func hasAggregates(day: UTCDay) throws -> Bool {
        try flushAggregates()
        let (rows, _) = try session.query(
            sql: "SELECT 1 FROM aggregates WHERE day = ? LIMIT 1",
            [day.rawValue],
            "looking for aggregates of day \(day)"
        )
        return !rows.isEmpty
    }

    /// Deletes the cells of days before `day`, and their summaries; the month `day` falls in is rebuilt
    /// from the cells that remain.
    public func deleteAggregates(before day: UTCDay) throws -> Int64 {
        try flushAggregates()
        let (_, deleted) = try session.query(
            sql: "DELETE FROM aggregates WHERE day < ?",
            [day.rawValue],
            "deleting expired aggregates"
        )
        guard deleted > 0 else { return 0 }
        let month = day.month
        for sql in [
            "DELETE FROM aggregates_monthly WHERE month <= \(month.rawValue)",
            "DELETE FROM aggregates_daily WHERE day < \(day.rawValue)",
            "DELETE FROM aggregates_day_totals WHERE day < \(day.rawValue)",
            AggregateSummary.monthly.rebuild(
                days: day.rawValue...month.days.upperBound.rawValue,
                time: month.rawValue
            ),
        ] {
            try session.execute(sql, "expiring aggregate summaries")
        }
        return Int64(deleted)
    }

    /// Calls `body` with every summary row whose time key is in `times`.
    public func forEachSummary(
        _ summary: AggregateSummary,
        times: ClosedRange<Int64>,
        _ body: (AggregateCell, AggregateCounts) throws -> Void
    ) throws {
        try flushAggregates()
        try session.forEachRow(Self.summaryQuery(summary, times: times), "reading \(summary.table)") { row in
            let (cell, counts) = try Self.summaryRow(row, summary)
            try body(cell, counts)
        }
    }

    /// Calls `body` with every cell of the days `days`.
    public func forEachAggregate(
        days: ClosedRange<UTCDay>,
        _ body: (AggregateCell, AggregateCounts) throws -> Void
    ) throws {
        try flushAggregates()
        try session.forEachRow(Self.aggregatesQuery(days: days), "reading aggregates") { row in
            let (cell, counts) = try Self.aggregateRow(row)
            try body(cell, counts)
        }
    }

    /// The rows of `summary` whose time key is in `times`.
    static func summaryQuery(_ summary: AggregateSummary, times: ClosedRange<Int64>) -> PostgresQuery {
        let columns = [summary.timeColumn] + summary.dimensions + AggregateSummary.measures
        var binds = PostgresBindings()
        binds.append(times.lowerBound)
        binds.append(times.upperBound)
        return PostgresQuery(
            unsafeSQL:
                "SELECT \(columns.joined(separator: ", ")) FROM \(summary.table) WHERE \(summary.timeColumn) BETWEEN $1 AND $2",
            binds: binds
        )
    }

    /// One row of `summary`'s query as a cell (the dimensions it sums away folded) and its measures.
    static func summaryRow(_ row: PostgresRow, _ summary: AggregateSummary) throws -> (AggregateCell, AggregateCounts) {
        let kept = summary.dimensions.count
        let cells = row.makeRandomAccess()
        func dimension(_ index: Int) throws -> String {
            index < kept ? try cells[1 + index].decode(String.self) : AggregateCell.folded
        }
        let time = try cells[0].decode(Int64.self)
        let cell = AggregateCell(
            day: summary == .monthly ? CivilTime.firstDay(ofMonth: time) : time,
            hour: AggregateCell.wholeDay,
            carrier: try dimension(0),
            country: try dimension(1),
            type: try dimension(2),
            area: AggregateCell.folded,
            direction: try dimension(3),
            disposition: try dimension(4)
        )
        return (cell, try counts(cells, from: 1 + kept))
    }

    /// The cells of the days `days`.
    static func aggregatesQuery(days: ClosedRange<UTCDay>) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(days.lowerBound.rawValue)
        binds.append(days.upperBound.rawValue)
        return PostgresQuery(
            unsafeSQL: """
                SELECT \(cellColumns), \(AggregateSummary.measures.joined(separator: ", "))
                FROM aggregates WHERE day BETWEEN $1 AND $2
                """,
            binds: binds
        )
    }

    /// One row of the cells' query.
    static func aggregateRow(_ row: PostgresRow) throws -> (AggregateCell, AggregateCounts) {
        let cells = row.makeRandomAccess()
        let cell = AggregateCell(
            day: try cells[0].decode(Int64.self),
            hour: try cells[1].decode(Int64.self),
            carrier: try cells[2].decode(String.self),
            country: try cells[3].decode(String.self),
            type: try cells[4].decode(String.self),
            area: try cells[5].decode(String.self),
            direction: try cells[6].decode(String.self),
            disposition: try cells[7].decode(String.self)
        )
        return (cell, try counts(cells, from: 8))
    }

    /// The measures in the columns from `first` on, in ``AggregateSummary/measures`` order.
    static func counts(_ cells: PostgresRandomAccessRow, from first: Int) throws -> AggregateCounts {
        let values = try (first..<first + AggregateSummary.measures.count).map { try cells[$0].decode(Int64.self) }
        var counts = AggregateCounts()
        counts.calls = values[0]
        counts.answered = values[1]
        counts.effective = values[2]
        counts.seconds = values[3]
        counts.billable = values[4]
        counts.histogram = Array(values[5..<13])
        counts.callers = values[13]
        counts.called = values[14]
        return counts
    }
}
