import CDRModel
import CDRStorage

extension SQLiteStore {
    /// Every stored record in which `number` is the calling, dialled or a diverting party, with
    /// start in `from...to` (epoch seconds), oldest first. Uses the day-bucketed number indexes.
    public func records(number: String, from: Int64? = nil, to: Int64? = nil) throws(StoreError) -> [StoredRecord] {
        var result: [StoredRecord] = []
        for month in knownPartitions.sorted() {
            let monthDays = month.firstDay.rawValue...month.days.upperBound.rawValue
            let firstDay = max(monthDays.lowerBound, from.map { CallRecord.dayOf($0) } ?? monthDays.lowerBound)
            let lastDay = min(monthDays.upperBound, to.map { CallRecord.dayOf($0) } ?? monthDays.upperBound)
            guard firstDay <= lastDay else { continue }
            try records(
                in: Self.partitionName(month: month),
                number: number,
                days: firstDay...lastDay,
                from: from,
                to: to,
                into: &result
            )
        }
        return result.sorted { ($0.record.start, $0.id) < ($1.record.start, $1.id) }
    }

    private func records(
        in table: String,
        number: String,
        days: ClosedRange<Int64>,
        from: Int64?,
        to: Int64?,
        into result: inout [StoredRecord]
    ) throws(StoreError) {
        let statement = try connection.prepare(
            """
            WITH RECURSIVE days(d) AS (SELECT ?1 UNION ALL SELECT d + 1 FROM days WHERE d < ?2),
            ids(id) AS (
                SELECT r.id FROM days JOIN \(table) r ON r.day = days.d AND r.calling = ?3
                UNION SELECT r.id FROM days JOIN \(table) r ON r.day = days.d AND r.dialled = ?3
                UNION SELECT v.record_id FROM days JOIN diversions v ON v.day = days.d AND v.number = ?3
            )
            SELECT \(Self.scanColumns.split(separator: ",").map { "r." + $0.filter { $0 != " " } }
                .joined(separator: ", ")), r.channel, r.source_id, r.line, f.path
            FROM ids JOIN \(table) r ON r.id = ids.id JOIN files f ON f.id = r.file_id
            WHERE r.start_at BETWEEN ?4 AND ?5
            """
        )
        statement.bind(1, days.lowerBound)
        statement.bind(2, days.upperBound)
        statement.bind(3, number)
        statement.bind(4, from ?? Int64.min)
        statement.bind(5, to ?? Int64.max)
        while try statement.step() {
            var record = Self.scannedRecord(statement)
            record.channel = statement.text(19)
            record.sourceID = statement.text(20)
            record.sourceLine = Int(statement.int(21))
            result.append(StoredRecord(id: statement.int(0), record: record, file: statement.text(22)))
        }
    }

    /// The number of stored records.
    public func recordCount() throws(StoreError) -> Int64 {
        let statement = try connection.prepare("SELECT count(*) FROM records")
        _ = try statement.step()
        return statement.int(0)
    }
}

extension SQLiteStore {
    /// The calling numbers with the most stored records (E.164 only), busiest first.
    public func busiestCallers(limit: Int) throws(StoreError) -> [(number: String, calls: Int64)] {
        let statement = try connection.prepare(
            "SELECT calling, count(*) AS n FROM records WHERE calling LIKE '+%' GROUP BY calling ORDER BY n DESC, calling LIMIT ?"
        )
        statement.bind(1, Int64(limit))
        var result: [(String, Int64)] = []
        while try statement.step() { result.append((statement.text(0), statement.int(1))) }
        return result
    }
}
