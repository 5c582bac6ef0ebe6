import CDRModel

/// The coarser copies of the aggregate cells, kept in step with them in the same transaction, so that
/// queries over years read thousands of rows instead of millions. Distinct counts in them are sums.
public enum AggregateSummary: String, Sendable, CaseIterable {
    /// Month × carrier × country × line type × direction × disposition.
    case monthly
    /// Day × carrier × country × line type × direction × disposition.
    case daily
    /// Day totals.
    case dayTotals

    /// The table.
    public var table: String {
        switch self {
        case .monthly: "aggregates_monthly"
        case .daily: "aggregates_daily"
        case .dayTotals: "aggregates_day_totals"
        }
    }

    /// The time key column: `month` (month index) or `day` (day number).
    public var timeColumn: String { self == .monthly ? "month" : "day" }

    /// The cell dimensions the summary keeps (the rest are summed away).
    public var dimensions: [String] {
        self == .dayTotals ? [] : ["carrier", "country", "type", "direction", "disposition"]
    }

    /// The time key of a day.
    public func time(ofDay day: Int64) -> Int64 { self == .monthly ? CivilTime.monthIndex(days: day) : day }

    /// The measure columns, in order.
    public static let measures = [
        "calls", "answered", "effective", "seconds", "billable", "h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7",
        "callers", "called",
    ]

    /// The upsert adding one cell's measures.
    public var upsert: String {
        let columns = [timeColumn] + dimensions + Self.measures
        let keys = ([timeColumn] + dimensions).joined(separator: ", ")
        return """
            INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
            ON CONFLICT (\(keys)) DO UPDATE SET \(Self.measures.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", "))
            """
    }

    /// The statement rebuilding the summary rows of days `days` from the hourly cells.
    public func rebuild(days: ClosedRange<Int64>, time: Int64) -> String {
        let keys = dimensions.joined(separator: ", ")
        return """
            INSERT INTO \(table) SELECT \(self == .monthly ? String(time) : "day")\(keys.isEmpty ? "" : ", " + keys),
                \(Self.measures.map { "sum(\($0))" }.joined(separator: ", "))
            FROM aggregates WHERE day BETWEEN \(days.lowerBound) AND \(days.upperBound)
            GROUP BY \(self == .monthly ? "" : "day")\(self == .monthly || keys.isEmpty ? "" : ", ")\(keys)
            """
    }
}
