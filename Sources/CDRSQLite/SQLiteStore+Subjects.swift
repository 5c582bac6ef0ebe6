import CDRModel
import CDRStorage

/// What data-subject requests and investigations read and change: the alerts and cases that concern a
/// number, and the erasure of chosen records.
extension SQLiteStore {
    private static let alertColumns = """
        a.id, a.detector, a.rule, a.severity, a.subject, a.window_start, a.first_at, a.last_at, a.measures,
        a.evidence, a.summary, a.case_id, a.file_id, a.created_at
        """

    /// Alerts raised on `subject` (a number or other key), oldest first.
    public func alerts(subject: String) throws(StoreError) -> [AlertRow] {
        let statement = try connection.prepare(
            "SELECT \(Self.alertColumns) FROM alerts a WHERE a.subject = ? ORDER BY a.first_at, a.id"
        )
        statement.bind(1, subject)
        return try Self.alertRows(statement)
    }

    /// Alerts of one case, oldest first.
    public func alerts(caseID: Int64) throws(StoreError) -> [AlertRow] {
        let statement = try connection.prepare(
            "SELECT \(Self.alertColumns) FROM alerts a WHERE a.case_id = ? ORDER BY a.first_at, a.id"
        )
        statement.bind(1, caseID)
        return try Self.alertRows(statement)
    }

    private static func alertRows(_ statement: Statement) throws(StoreError) -> [AlertRow] {
        var rows: [AlertRow] = []
        while try statement.step() { rows.append(alertRow(statement)) }
        return rows
    }

    /// A page of alerts, newest first: first event at or after `since`, optionally critical only, skipping
    /// `offset` rows.
    public func alerts(since: Int64?, criticalOnly: Bool, offset: Int, limit: Int) throws(StoreError) -> [AlertRow] {
        let statement = try connection.prepare(
            """
            SELECT \(Self.alertColumns) FROM alerts a WHERE a.first_at >= ? AND (? = 0 OR a.severity = 'critical')
            ORDER BY a.first_at DESC, a.id LIMIT ? OFFSET ?
            """
        )
        statement.bind(1, since ?? Int64.min)
        statement.bind(2, criticalOnly ? 1 : 0)
        statement.bind(3, Int64(limit))
        statement.bind(4, Int64(offset))
        return try Self.alertRows(statement)
    }

    /// Alerts that cite any of `recordIDs` as evidence, keyed by alert id, with the cited ids.
    public func alertsCiting(_ recordIDs: Set<Int64>) throws(StoreError) -> [(alert: AlertRow, cited: [Int64])] {
        if recordIDs.isEmpty { return [] }
        try connection.execute("CREATE TEMP TABLE IF NOT EXISTS subject_records(id INTEGER PRIMARY KEY)")
        try connection.execute("DELETE FROM temp.subject_records")
        let insert = try connection.prepare("INSERT OR IGNORE INTO temp.subject_records(id) VALUES (?)")
        for id in recordIDs {
            insert.bind(1, id)
            try insert.step()
            insert.reset()
        }
        let statement = try connection.prepare(
            """
            SELECT \(Self.alertColumns), group_concat(e.value) FROM alerts a, json_each(a.evidence) e
            WHERE e.value IN (SELECT id FROM temp.subject_records)
            GROUP BY a.id ORDER BY a.first_at, a.id
            """
        )
        var result: [(AlertRow, [Int64])] = []
        while try statement.step() {
            let cited = statement.text(14).split(separator: ",").compactMap { Int64($0) }
            result.append((Self.alertRow(statement), cited))
        }
        try connection.execute("DELETE FROM temp.subject_records")
        return result
    }

    /// One fraud case, if it exists.
    public func fraudCase(id: Int64) throws(StoreError) -> FraudCase? {
        let statement = try connection.prepare(
            "SELECT id, subject, severity, first_at, last_at, alerts, detectors FROM cases WHERE id = ?"
        )
        statement.bind(1, id)
        guard try statement.step() else { return nil }
        return FraudCase(
            id: statement.int(0),
            subject: statement.text(1),
            severity: statement.text(2),
            firstAt: statement.int(3),
            lastAt: statement.int(4),
            alerts: statement.int(5),
            detectors: statement.text(6).split(separator: ",").map(String.init)
        )
    }

    /// Deletes these records (id and call start, which name the partition) and their diversions; returns
    /// how many went.
    public func deleteRecords(_ records: [(id: Int64, start: Int64)]) throws(StoreError) -> Int64 {
        var deleted: Int64 = 0
        let diversions = try connection.prepare("DELETE FROM diversions WHERE day = ? AND record_id = ?")
        for (id, start) in records {
            let day = CallRecord.dayOf(start)
            guard let table = existingPartition(day: day) else { continue }
            diversions.bind(1, day)
            diversions.bind(2, id)
            try diversions.step()
            diversions.reset()
            let statement = try cached("delete-record-" + table, "DELETE FROM \(table) WHERE id = ?")
            statement.bind(1, id)
            defer { statement.reset() }
            try statement.step()
            deleted += Int64(connection.changes)
        }
        if deleted > 0 { try markRebuildDue() }
        return deleted
    }
}

extension SQLiteStore {
    /// Calls `body` with every distinct number stored as a calling, dialled or diverting party.
    public func forEachDistinctNumber(_ body: (String) throws -> Void) throws {
        let statement = try connection.prepare(
            """
            SELECT calling FROM records UNION SELECT dialled FROM records UNION SELECT number FROM diversions
            """
        )
        while try statement.step() { try body(statement.text(0)) }
    }
}
