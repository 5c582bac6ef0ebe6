import CDRModel
import CDRStorage
import PostgresNIO

extension PostgresStore: SubjectStore {
    /// Every record in which `number` is the calling, dialled or a diverting party, started in
    /// `from...to`, oldest first: the day-bucketed number indexes for A and B, the partial GIN index over
    /// diverted calls for C.
    public func records(number: String, from: Int64?, to: Int64?) throws -> [StoredRecord] {
        let (bounds, _) = try session.query(
            "SELECT min(start_at)::bigint, max(start_at)::bigint FROM records",
            "finding the stored days"
        )
        guard let (first, last) = try bounds.first?.decode((Int64?, Int64?).self), let first, let last else {
            return []
        }
        let lower = max(from ?? Int64.min, first)
        let upper = min(to ?? Int64.max, last)
        guard lower <= upper else { return [] }
        let (rows, _) = try session.query(
            """
            WITH days AS (SELECT generate_series(\(CallRecord.dayOf(lower)), \(CallRecord.dayOf(upper))) AS d),
            ids AS (
                SELECT r.id, r.start_at FROM days JOIN records r ON r.start_at / 86400 = days.d AND r.calling = \(number)
                UNION SELECT r.id, r.start_at FROM days JOIN records r ON r.start_at / 86400 = days.d AND r.dialled = \(number)
                UNION SELECT r.id, r.start_at FROM records r
                    WHERE r.diverting <> '{}' AND r.diverting @> ARRAY[\(number)]::text[]
            )
            SELECT \(unescaped: Self.recordColumns), f.path
            FROM ids JOIN records r ON r.start_at = ids.start_at AND r.id = ids.id JOIN files f ON f.id = r.file_id
            WHERE r.start_at BETWEEN \(lower) AND \(upper)
            ORDER BY r.start_at, r.id
            """,
            "reading the records of a number"
        )
        return try rows.map { row in
            let cells = row.makeRandomAccess()
            let (id, _, record) = try Self.storedCall(cells)
            return StoredRecord(id: id, record: record, file: try cells[22].decode(String.self))
        }
    }

    /// Alerts raised on `subject`, oldest first.
    public func alerts(subject: String) throws -> [AlertRow] {
        let (rows, _) = try session.query(
            "SELECT \(unescaped: Self.alertColumns) FROM alerts WHERE subject = \(subject) ORDER BY first_at, id",
            "reading the alerts on a subject"
        )
        return try rows.map { try Self.alertRow($0) }
    }

    /// Alerts of one case, oldest first.
    public func alerts(caseID: Int64) throws -> [AlertRow] { try session.read(ServingReads.alerts(caseID: caseID)) }

    /// A page of alerts, newest first.
    public func alerts(since: Int64?, criticalOnly: Bool, offset: Int, limit: Int) throws -> [AlertRow] {
        try session.read(ServingReads.alerts(since: since, criticalOnly: criticalOnly, offset: offset, limit: limit))
    }

    /// Alerts citing any of `recordIDs` as evidence, with the ids they cite.
    public func alertsCiting(_ recordIDs: Set<Int64>) throws -> [(alert: AlertRow, cited: [Int64])] {
        if recordIDs.isEmpty { return [] }
        let wanted = Array(recordIDs)
        let (rows, _) = try session.query(
            """
            SELECT \(unescaped: Self.alertColumns) FROM alerts WHERE evidence && \(wanted) ORDER BY first_at, id
            """,
            "finding alerts citing records"
        )
        return try rows.map { row in
            let alert = try Self.alertRow(row)
            return (alert, alert.evidence.filter(recordIDs.contains))
        }
    }

    /// One fraud case, if it exists.
    public func fraudCase(id: Int64) throws -> FraudCase? { try session.read(ServingReads.fraudCase(id: id)) }

    /// Deletes these records (id and call start, which find them through the start index).
    public func deleteRecords(_ records: [(id: Int64, start: Int64)]) throws -> Int64 {
        if records.isEmpty { return 0 }
        let (_, deleted) = try session.query(
            """
            DELETE FROM records r USING unnest(\(records.map(\.id)), \(records.map(\.start))) AS gone(id, start_at)
            WHERE r.start_at = gone.start_at AND r.id = gone.id
            """,
            "erasing records"
        )
        for (_, start) in records { vacuumDue.insert(EpochSeconds(start).day.month) }
        return Int64(deleted)
    }

    /// Calls `body` with every distinct number stored as a party.
    public func forEachDistinctNumber(_ body: (String) throws -> Void) throws {
        try session.forEachRow(
            PostgresQuery(
                unsafeSQL: """
                    SELECT calling FROM records UNION SELECT dialled FROM records
                    UNION SELECT unnest(diverting) FROM records
                    """
            ),
            "listing stored numbers"
        ) { row in try body(try row.decode(String.self)) }
    }
}
