import CDRModel
import CDRStorage
import PostgresNIO

extension PostgresStore: DetectionStore {
    /// Calls `body` with the stored records of `days` and `files`, in start order, through a cursor.
    public func scanRecords(
        days: ClosedRange<Int64>?,
        files: Set<Int64>?,
        _ body: (_ id: Int64, _ fileID: Int64, _ record: CallRecord) -> Void
    ) throws {
        var binds = PostgresBindings()
        binds.append((days?.lowerBound).map { UTCDay($0).start.rawValue } ?? Int64.min)
        binds.append((days?.upperBound).map { UTCDay($0).end.rawValue } ?? Int64.max)
        var sql = "SELECT \(Self.recordColumns) FROM records r WHERE r.start_at >= $1 AND r.start_at < $2"
        if let files {
            binds.append(Array(files))
            sql += " AND r.file_id = ANY($3)"
        }
        try session.forEachRow(
            PostgresQuery(unsafeSQL: sql + " ORDER BY r.start_at, r.id", binds: binds),
            "scanning records"
        ) { row in
            let (id, fileID, record) = try Self.storedCall(row.makeRandomAccess())
            body(id, fileID, record)
        }
    }

    /// The records with these ids started in `window`, found through the start-time index.
    public func records(ids: [Int64], startedIn window: ClosedRange<Int64>) throws -> [Int64: CallRecord] {
        guard !ids.isEmpty else { return [:] }
        var binds = PostgresBindings()
        binds.append(window.lowerBound)
        binds.append(window.upperBound)
        binds.append(ids)
        var found: [Int64: CallRecord] = [:]
        try session.forEachRow(
            PostgresQuery(
                unsafeSQL: "SELECT \(Self.recordColumns) FROM records r "
                    + "WHERE r.start_at BETWEEN $1 AND $2 AND r.id = ANY($3)",
                binds: binds
            ),
            "reading the calls an alert cites"
        ) { row in
            let (id, _, record) = try Self.storedCall(row.makeRandomAccess())
            found[id] = record
        }
        return found
    }

    /// The columns ``storedCall(_:)`` reads, in its order, from `records r`.
    static let recordColumns = """
        r.id, r.file_id, r.calling, r.dialled, r.diverting, r.start_at, r.answer_at, r.end_at, r.duration, \
        r.billsec, r.disposition::bigint, r.carrier, r.channel, r.account, r.source_id, r.line, r.imsi, r.imei, \
        r.cell, r.egress, r.leg::bigint, r.part::bigint
        """

    /// A record's id, file and call from the first columns of a row selected with ``recordColumns``.
    static func storedCall(_ cells: PostgresRandomAccessRow) throws -> (id: Int64, fileID: Int64, call: CallRecord) {
        var record = CallRecord(
            calling: try cells[2].decode(String.self),
            dialled: try cells[3].decode(String.self),
            diverting: try cells[4].decode([String].self),
            start: try cells[5].decode(Int64.self),
            answer: try cells[6].decode(Int64?.self),
            end: try cells[7].decode(Int64.self),
            duration: try cells[8].decode(Int64.self),
            billable: try cells[9].decode(Int64.self),
            disposition: Disposition(rawValue: UInt8(truncatingIfNeeded: try cells[10].decode(Int64.self))) ?? .unknown,
            carrier: try cells[11].decode(String.self),
            channel: try cells[12].decode(String.self),
            account: try cells[13].decode(String.self),
            sourceID: try cells[14].decode(String.self),
            sourceLine: Int(try cells[15].decode(Int64.self))
        )
        record.imsi = try cells[16].decode(String.self)
        record.imei = try cells[17].decode(String.self)
        record.cell = try cells[18].decode(String.self)
        record.egress = try cells[19].decode(String.self)
        record.leg = CallLeg(rawValue: UInt8(truncatingIfNeeded: try cells[20].decode(Int64.self))) ?? .call
        record.part = Int(try cells[21].decode(Int64.self))
        return (try cells[0].decode(Int64.self), try cells[1].decode(Int64.self), record)
    }

    /// Stores an alert unless its id exists, attaching it to the subject's case within a day or a new one.
    @discardableResult
    public func insertAlert(_ row: AlertRow) throws -> Bool {
        let (known, _) = try session.query("SELECT 1 FROM alerts WHERE id = \(row.id)", "looking up alert \(row.id)")
        if !known.isEmpty { return false }
        let caseID = try attachCase(row)
        let (_, inserted) = try session.query(
            """
            INSERT INTO alerts(id, detector, rule, severity, subject, window_start, first_at, last_at, measures,
                evidence, summary, case_id, file_id, created_at)
            VALUES (\(row.id), \(row.detector), \(row.rule), \(row.severity), \(row.subject), \(row.windowStart),
                \(row.firstEvent), \(row.lastEvent), \(row.measuresJSON), \(row.evidence), \(row.summary), \(caseID),
                \(row.fileID), \(Self.now()))
            ON CONFLICT (id) DO NOTHING
            """,
            "storing alert \(row.id)"
        )
        return inserted == 1
    }

    private func attachCase(_ row: AlertRow) throws -> Int64 {
        let (found, _) = try session.query(
            """
            SELECT id, severity, detectors FROM cases WHERE subject = \(row.subject)
                AND last_at >= \(row.firstEvent - FraudCase.gap) AND first_at <= \(row.lastEvent + FraudCase.gap)
            ORDER BY last_at DESC LIMIT 1 FOR UPDATE
            """,
            "finding the case of \(row.id)"
        )
        if let existing = found.first {
            let (id, severity, detectors) = try existing.decode((Int64, String, String).self)
            var names = Set(detectors.split(separator: ",").map(String.init))
            names.insert(row.detector)
            try session.query(
                """
                UPDATE cases SET severity = \(severity == "critical" || row.severity == "critical" ? "critical" : "warning"),
                    first_at = least(first_at, \(row.firstEvent)), last_at = greatest(last_at, \(row.lastEvent)),
                    alerts = alerts + 1, detectors = \(names.sorted().joined(separator: ",")) WHERE id = \(id)
                """,
                "updating case \(id)"
            )
            return id
        }
        let (created, _) = try session.query(
            """
            INSERT INTO cases(subject, severity, first_at, last_at, alerts, detectors)
            VALUES (\(row.subject), \(row.severity), \(row.firstEvent), \(row.lastEvent), 1, \(row.detector)) RETURNING id
            """,
            "opening a case for \(row.id)"
        )
        return try created.first?.decode(Int64.self) ?? 0
    }

    /// The alerts with these ids, in the given order.
    public func alerts(ids: [String]) throws -> [AlertRow] {
        let (rows, _) = try session.query(
            "SELECT \(unescaped: Self.alertColumns) FROM alerts WHERE id = ANY(\(ids))",
            "reading alerts"
        )
        let byID = Dictionary(uniqueKeysWithValues: try rows.map { try Self.alertRow($0) }.map { ($0.id, $0) })
        return ids.compactMap { byID[$0] }
    }

    /// Alerts whose first event is at or after `since`, critical ones only when asked, newest first.
    public func alerts(since: Int64?, criticalOnly: Bool, limit: Int) throws -> [AlertRow] {
        let (rows, _) = try session.query(
            """
            SELECT \(unescaped: Self.alertColumns) FROM alerts
            WHERE first_at >= \(since ?? Int64.min) AND (\(!criticalOnly) OR severity = 'critical')
            ORDER BY first_at DESC, id LIMIT \(Int64(limit))
            """,
            "listing alerts"
        )
        return try rows.map { try Self.alertRow($0) }
    }

    static let alertColumns = """
        id, detector, rule, severity, subject, window_start, first_at, last_at, measures, evidence, summary, \
        case_id, file_id, created_at
        """

    static func alertRow(_ row: PostgresRow) throws -> AlertRow {
        let cells = row.makeRandomAccess()
        var alert = AlertRow(
            id: try cells[0].decode(String.self),
            detector: try cells[1].decode(String.self),
            rule: try cells[2].decode(String.self),
            severity: try cells[3].decode(String.self),
            subject: try cells[4].decode(String.self),
            windowStart: try cells[5].decode(Int64.self),
            firstEvent: try cells[6].decode(Int64.self),
            lastEvent: try cells[7].decode(Int64.self),
            measuresJSON: try cells[8].decode(String.self),
            evidence: try cells[9].decode([Int64].self),
            summary: try cells[10].decode(String.self),
            fileID: try cells[12].decode(Int64?.self)
        )
        alert.caseID = try cells[11].decode(Int64.self)
        alert.createdAt = try cells[13].decode(Int64.self)
        return alert
    }
}

extension PostgresStore {
    /// Loaded files fraud detection has not yet observed, in the order they finished loading, with the
    /// range of call starts they span.
    public func filesAwaitingDetection() throws(PostgresStoreError) -> [(id: Int64, first: Int64, last: Int64)] {
        let (rows, _) = try session.query(
            """
            SELECT id, coalesce(first_start, 0), coalesce(last_start, 0) FROM files
            WHERE status = 'loaded' AND detected_at IS NULL ORDER BY finished_at, id
            """,
            "listing files awaiting detection"
        )
        return rows.compactMap { try? $0.decode((Int64, Int64, Int64).self) }.map { ($0.0, $0.1, $0.2) }
    }

    /// Loaded files with records starting in `range` (epoch seconds), detected or not.
    public func loadedFiles(overlapping range: ClosedRange<Int64>) throws(PostgresStoreError) -> Set<Int64> {
        let (rows, _) = try session.query(
            """
            SELECT id FROM files WHERE status = 'loaded' AND first_start <= \(range.upperBound)
                AND last_start >= \(range.lowerBound)
            """,
            "listing loaded files"
        )
        return Set(rows.compactMap { try? $0.decode(Int64.self) })
    }

    /// Marks files as observed by fraud detection (inside the transaction that stores their alerts).
    public func markDetected(_ files: [Int64]) throws(PostgresStoreError) {
        try session.query(
            "UPDATE files SET detected_at = now() WHERE id = ANY(\(files))",
            "marking files detected"
        )
    }

    /// Becomes the database's one detection consumer for as long as this connection lives; false when
    /// another consumer already is.
    public func becomeDetectionConsumer() throws(PostgresStoreError) -> Bool {
        let (rows, _) = try session.query(
            "SELECT pg_try_advisory_lock(72436104)",
            "taking the detection consumer lock"
        )
        return (try? rows.first?.decode(Bool.self)) ?? false
    }
}
