import CDRStorage
import Foundation

extension SQLiteStore {
    /// Stores an alert unless one with its id exists (re-processing repeats no alert), attaching it to the
    /// subject's open case or a new one; true when stored.
    @discardableResult
    public func insertAlert(_ row: AlertRow) throws(StoreError) -> Bool {
        let exists = try cached("alertExists", "SELECT 1 FROM alerts WHERE id = ?")
        exists.bind(1, row.id)
        let known = try exists.step()
        exists.reset()
        if known { return false }
        let caseID = try attachCase(row)
        let insert = try cached(
            "insertAlert",
            """
            INSERT INTO alerts(id, detector, rule, severity, subject, window_start, first_at, last_at, measures,
                evidence, summary, case_id, file_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        )
        insert.bind(1, row.id)
        insert.bind(2, row.detector)
        insert.bind(3, row.rule)
        insert.bind(4, row.severity)
        insert.bind(5, row.subject)
        insert.bind(6, row.windowStart)
        insert.bind(7, row.firstEvent)
        insert.bind(8, row.lastEvent)
        insert.bind(9, row.measuresJSON)
        insert.bind(10, "[" + row.evidence.map(String.init).joined(separator: ",") + "]")
        insert.bind(11, row.summary)
        insert.bind(12, caseID)
        insert.bind(13, row.fileID)
        insert.bind(14, Self.now())
        defer { insert.reset() }
        try insert.step()
        return true
    }

    private func attachCase(_ row: AlertRow) throws(StoreError) -> Int64 {
        let find = try cached(
            "findCase",
            "SELECT id, severity, detectors FROM cases WHERE subject = ? AND last_at >= ? AND first_at <= ? ORDER BY last_at DESC LIMIT 1"
        )
        find.bind(1, row.subject)
        find.bind(2, row.firstEvent - FraudCase.gap)
        find.bind(3, row.lastEvent + FraudCase.gap)
        if try find.step() {
            let id = find.int(0)
            let severity = find.text(1) == "critical" || row.severity == "critical" ? "critical" : "warning"
            var detectors = Set(find.text(2).split(separator: ",").map(String.init))
            find.reset()
            detectors.insert(row.detector)
            let update = try cached(
                "updateCase",
                """
                UPDATE cases SET severity = ?, first_at = min(first_at, ?), last_at = max(last_at, ?),
                    alerts = alerts + 1, detectors = ? WHERE id = ?
                """
            )
            update.bind(1, severity)
            update.bind(2, row.firstEvent)
            update.bind(3, row.lastEvent)
            update.bind(4, detectors.sorted().joined(separator: ","))
            update.bind(5, id)
            defer { update.reset() }
            try update.step()
            return id
        }
        find.reset()
        let insert = try cached(
            "insertCase",
            "INSERT INTO cases(subject, severity, first_at, last_at, alerts, detectors) VALUES (?, ?, ?, ?, 1, ?)"
        )
        insert.bind(1, row.subject)
        insert.bind(2, row.severity)
        insert.bind(3, row.firstEvent)
        insert.bind(4, row.lastEvent)
        insert.bind(5, row.detector)
        defer { insert.reset() }
        try insert.step()
        return connection.lastInsertID
    }

    /// Alerts whose first event is at or after `since`, at or above `minimumSeverity`, newest first.
    public func alerts(
        since: Int64? = nil,
        criticalOnly: Bool = false,
        limit: Int = 10_000
    ) throws(StoreError)
        -> [AlertRow]
    {
        let statement = try connection.prepare(
            """
            SELECT id, detector, rule, severity, subject, window_start, first_at, last_at, measures, evidence, summary,
                case_id, file_id, created_at
            FROM alerts WHERE first_at >= ? AND (? = 0 OR severity = 'critical')
            ORDER BY first_at DESC, id LIMIT ?
            """
        )
        statement.bind(1, since ?? Int64.min)
        statement.bind(2, criticalOnly ? 1 : 0)
        statement.bind(3, Int64(limit))
        var rows: [AlertRow] = []
        while try statement.step() { rows.append(Self.alertRow(statement)) }
        return rows
    }

    /// The alerts with these ids, in the given order.
    public func alerts(ids: [String]) throws(StoreError) -> [AlertRow] {
        let statement = try connection.prepare(
            """
            SELECT id, detector, rule, severity, subject, window_start, first_at, last_at, measures, evidence, summary,
                case_id, file_id, created_at
            FROM alerts WHERE id = ?
            """
        )
        var rows: [AlertRow] = []
        for id in ids {
            statement.bind(1, id)
            if try statement.step() { rows.append(Self.alertRow(statement)) }
            statement.reset()
        }
        return rows
    }

    /// Removes the alerts a failed file's records raised.
    func deleteAlerts(fileID: Int64) throws(StoreError) {
        let statement = try connection.prepare("DELETE FROM alerts WHERE file_id = ?")
        statement.bind(1, fileID)
        try statement.step()
    }

    static func alertRow(_ statement: Statement) -> AlertRow {
        let evidence = statement.text(9).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            .split(separator: ",").compactMap { Int64($0) }
        var row = AlertRow(
            id: statement.text(0),
            detector: statement.text(1),
            rule: statement.text(2),
            severity: statement.text(3),
            subject: statement.text(4),
            windowStart: statement.int(5),
            firstEvent: statement.int(6),
            lastEvent: statement.int(7),
            measuresJSON: statement.text(8),
            evidence: evidence,
            summary: statement.text(10),
            fileID: statement.optionalInt(12)
        )
        row.caseID = statement.int(11)
        row.createdAt = statement.int(13)
        return row
    }
}
