import CDRStorage
import Logging
import NIOCore
import PostgresNIO

/// One read statement and how its rows become a value, written once: the same read runs on a blocking
/// ``PostgresSession`` (the commands, the ingest, the server's blocking lanes) or on the server's
/// `PostgresClient` pool.
struct PostgresRead<Value>: Sendable {
    /// The statement.
    let query: PostgresQuery
    /// What is being done, for error messages.
    let context: String
    /// Turns the rows into the value.
    let decode: @Sendable ([PostgresRow]) throws -> Value
}

extension PostgresSession {
    /// Runs a read and decodes its rows.
    func read<Value>(_ read: PostgresRead<Value>) throws -> Value {
        try read.decode(try query(read.query, read.context).rows)
    }
}

extension PostgresClient {
    /// Runs a read on a pooled connection and decodes its rows; a failure names what was being done.
    func read<Value>(_ read: PostgresRead<Value>, logger: Logger) async throws(PostgresStoreError) -> Value {
        let rows: [PostgresRow]
        do {
            rows = try await query(read.query, logger: logger).collect()
        } catch {
            throw .query(context: read.context, message: PostgresSession.message(error))
        }
        do {
            return try read.decode(rows)
        } catch {
            throw .query(context: read.context, message: "\(error)")
        }
    }
}

/// The reads the server makes on every store request, shared by ``PostgresStore`` and
/// ``PostgresServingStore``.
enum ServingReads {
    static func user(token: String) -> PostgresRead<UserRow?> {
        let hash = ByteBuffer(bytes: UserRow.tokenHash(token))
        return PostgresRead(
            query:
                "SELECT id, name, role, created_at, revoked_at FROM users WHERE token_hash = \(hash) AND revoked_at IS NULL",
            context: "checking a token"
        ) { rows in try rows.first.map(userRow) }
    }

    static let users = PostgresRead(
        query: "SELECT id, name, role, created_at, revoked_at FROM users ORDER BY id",
        context: "listing users"
    ) { rows in try rows.map(userRow) }

    static func userRow(_ row: PostgresRow) throws -> UserRow {
        let (id, name, role, created, revoked) = try row.decode((Int64, String, String, Int64, Int64?).self)
        return UserRow(id: id, name: name, role: role, createdAt: created, revokedAt: revoked)
    }

    static let dataVersion = PostgresRead(
        query: "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint",
        context: "reading the data version"
    ) { rows in try rows.first?.decode(Int64.self) ?? 0 }

    static func alerts(since: Int64?, criticalOnly: Bool, offset: Int, limit: Int) -> PostgresRead<[AlertRow]> {
        PostgresRead(
            query: """
                SELECT \(unescaped: PostgresStore.alertColumns) FROM alerts
                WHERE first_at >= \(since ?? Int64.min) AND (\(!criticalOnly) OR severity = 'critical')
                ORDER BY first_at DESC, id LIMIT \(Int64(limit)) OFFSET \(Int64(offset))
                """,
            context: "listing alerts"
        ) { rows in try rows.map(PostgresStore.alertRow) }
    }

    static func alerts(caseID: Int64) -> PostgresRead<[AlertRow]> {
        PostgresRead(
            query:
                "SELECT \(unescaped: PostgresStore.alertColumns) FROM alerts WHERE case_id = \(caseID) ORDER BY first_at, id",
            context: "reading the alerts of case \(caseID)"
        ) { rows in try rows.map(PostgresStore.alertRow) }
    }

    static func fraudCase(id: Int64) -> PostgresRead<FraudCase?> {
        PostgresRead(
            query: "SELECT id, subject, severity, first_at, last_at, alerts, detectors FROM cases WHERE id = \(id)",
            context: "reading case \(id)"
        ) { rows in
            guard let row = rows.first else { return nil }
            let (caseID, subject, severity, first, last, alerts, detectors) = try row.decode(
                (Int64, String, String, Int64, Int64, Int64, String).self
            )
            return FraudCase(
                id: caseID,
                subject: subject,
                severity: severity,
                firstAt: first,
                lastAt: last,
                alerts: alerts,
                detectors: detectors.split(separator: ",").map(String.init)
            )
        }
    }

    static func holds(includeReleased: Bool) -> PostgresRead<[Hold]> {
        PostgresRead(
            query: PostgresQuery(
                unsafeSQL: """
                    SELECT id, number, from_at, to_at, case_ref, reason, created_at, created_by, released_at, released_by
                    FROM holds
                    """ + (includeReleased ? "" : " WHERE released_at IS NULL") + " ORDER BY id"
            ),
            context: "listing holds"
        ) { rows in
            try rows.map { row in
                let (id, number, from, to, caseRef, reason, createdAt, createdBy, releasedAt, releasedBy) =
                    try row.decode((Int64, String, Int64?, Int64?, String, String, Int64, String, Int64?, String?).self)
                return Hold(
                    id: id,
                    number: number,
                    from: from,
                    to: to,
                    caseRef: caseRef,
                    reason: reason,
                    createdAt: createdAt,
                    createdBy: createdBy,
                    releasedAt: releasedAt,
                    releasedBy: releasedBy
                )
            }
        }
    }

    static func auditEntries(after: Int64, limit: Int) -> PostgresRead<[AuditEntry]> {
        PostgresRead(
            query: """
                SELECT id, at, actor, action, subject, outcome, detail, previous_hash, hash FROM audit_log
                WHERE id > \(after) ORDER BY id LIMIT \(Int64(limit))
                """,
            context: "reading the audit log"
        ) { rows in
            try rows.map { row in
                let (id, at, actor, action, subject, outcome, detail, previous, hash) = try row.decode(
                    (Int64, Int64, String, String, String, String, String, ByteBuffer, ByteBuffer).self
                )
                return AuditEntry(
                    id: id,
                    at: at,
                    actor: actor,
                    action: action,
                    subject: subject,
                    outcome: outcome,
                    detail: detail,
                    previousHash: Array(buffer: previous),
                    hash: Array(buffer: hash)
                )
            }
        }
    }

    static func files(offset: Int, limit: Int) -> PostgresRead<[FileEntry]> {
        PostgresRead(
            query: """
                SELECT id, path, size, sha256, dialect, status, stored, duplicates, rejected,
                    extract(epoch FROM started_at)::bigint, extract(epoch FROM finished_at)::bigint, error, skipped,
                    incomplete
                FROM files ORDER BY id DESC LIMIT \(Int64(limit)) OFFSET \(Int64(offset))
                """,
            context: "listing files"
        ) { rows in try rows.map(fileEntry) }
    }

    static func fileEntry(_ row: PostgresRow) throws -> FileEntry {
        let cells = row.makeRandomAccess()
        var entry = FileEntry(
            id: try cells[0].decode(Int64.self),
            path: try cells[1].decode(String.self),
            size: try cells[2].decode(Int64.self),
            headSHA256: [],
            sha256: Array(buffer: try cells[3].decode(ByteBuffer.self)),
            prefixBytes: 0,
            prefixSHA256: nil,
            dialect: try cells[4].decode(String.self),
            status: FileEntry.Status(rawValue: try cells[5].decode(String.self)) ?? .loading,
            counts: LoadCounts(
                stored: try cells[6].decode(Int64.self),
                duplicates: try cells[7].decode(Int64.self),
                rejected: try cells[8].decode(Int64.self),
                skipped: LoadCounts.skipped(fromText: try cells[12].decode(String.self))
            ),
            resumeOffset: 0,
            resumeLine: 0,
            firstRecordID: 0,
            startedAt: try cells[9].decode(Int64.self),
            finishedAt: try cells[10].decode(Int64?.self),
            error: try cells[11].decode(String?.self)
        )
        entry.incomplete = try cells[13].decode(String?.self)
        return entry
    }

    /// Files by status, and the stored, duplicate and rejected totals.
    static let fileCounters = PostgresRead(
        query: """
            SELECT status, count(*)::bigint, sum(stored)::bigint, sum(duplicates)::bigint, sum(rejected)::bigint
            FROM files GROUP BY status
            """,
        context: "reading the registry"
    ) { rows in
        var totals = FileCounters()
        for row in rows {
            guard
                let (status, count, stored, duplicates, rejected) = try? row.decode(
                    (String, Int64, Int64, Int64, Int64).self
                )
            else { continue }
            totals.files[status] = count
            totals.stored += stored
            totals.duplicates += duplicates
            totals.rejected += rejected
        }
        return totals
    }

    /// The registry's totals.
    struct FileCounters {
        var files: [String: Int64] = [:]
        var stored: Int64 = 0
        var duplicates: Int64 = 0
        var rejected: Int64 = 0

        /// Copies the totals into the monitoring counters.
        func apply(to counters: inout StoreCounters) {
            counters.files = files
            counters.stored = stored
            counters.duplicates = duplicates
            counters.rejected = rejected
        }
    }

    static let alertCounts = PostgresRead(
        query: "SELECT detector, count(*)::bigint FROM alerts GROUP BY detector",
        context: "counting alerts"
    ) { rows in
        var counts: [String: Int64] = [:]
        for row in rows {
            let (detector, count) = try row.decode((String, Int64).self)
            counts[detector] = count
        }
        return counts
    }

    static let retentionRuns = PostgresRead(
        query: "SELECT count(*)::bigint, max(finished_at)::bigint FROM retention_runs WHERE finished_at IS NOT NULL",
        context: "counting retention runs"
    ) { rows -> (Int64, Int64?) in
        guard let row = rows.first else { return (0, nil) }
        return try row.decode((Int64, Int64?).self)
    }
}
