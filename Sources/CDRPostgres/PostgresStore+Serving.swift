import CDRStorage
import NIOCore
import PostgresNIO

extension PostgresStore: ServingStore {
    /// The active user a bearer token belongs to, or nil.
    public func user(token: String) throws -> UserRow? {
        let hash = ByteBuffer(bytes: UserRow.tokenHash(token))
        let (rows, _) = try session.query(
            "SELECT id, name, role, created_at, revoked_at FROM users WHERE token_hash = \(hash) AND revoked_at IS NULL",
            "checking a token"
        )
        return try rows.first.map(Self.userRow)
    }

    /// Adds a user with a new random token and returns the token (kept only as its hash).
    public func addUser(name: String, role: String, at now: Int64) throws -> String {
        let token = UserRow.newToken()
        let hash = ByteBuffer(bytes: UserRow.tokenHash(token))
        try session.query(
            "INSERT INTO users(name, role, token_hash, created_at) VALUES (\(name), \(role), \(hash), \(now))",
            "adding user \(name)"
        )
        return token
    }

    /// Every user, oldest first.
    public func users() throws -> [UserRow] {
        let (rows, _) = try session.query(
            "SELECT id, name, role, created_at, revoked_at FROM users ORDER BY id",
            "listing users"
        )
        return try rows.map(Self.userRow)
    }

    /// Revokes a user's token; false when no active user has that name.
    public func revokeUser(name: String, at now: Int64) throws -> Bool {
        let (_, revoked) = try session.query(
            "UPDATE users SET revoked_at = \(now) WHERE name = \(name) AND revoked_at IS NULL",
            "revoking user \(name)"
        )
        return revoked > 0
    }

    static func userRow(_ row: PostgresRow) throws -> UserRow {
        let (id, name, role, created, revoked) = try row.decode((Int64, String, String, Int64, Int64?).self)
        return UserRow(id: id, name: name, role: role, createdAt: created, revokedAt: revoked)
    }

    /// A page of the files registry, newest first.
    public func files(offset: Int, limit: Int) throws -> [FileEntry] {
        let (rows, _) = try session.query(
            """
            SELECT id, path, size, sha256, dialect, status, stored, duplicates, rejected,
                extract(epoch FROM started_at)::bigint, extract(epoch FROM finished_at)::bigint, error, skipped,
                incomplete
            FROM files ORDER BY id DESC LIMIT \(Int64(limit)) OFFSET \(Int64(offset))
            """,
            "listing files"
        )
        return try rows.map { row in
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
    }

    /// The store's monitoring counters.
    public func counters() throws -> StoreCounters {
        var counters = StoreCounters()
        let totals = try fileTotals()
        counters.files = totals.files
        counters.stored = totals.stored
        counters.duplicates = totals.duplicates
        counters.rejected = totals.rejected
        let (alerts, _) = try session.query(
            "SELECT detector, count(*)::bigint FROM alerts GROUP BY detector",
            "counting alerts"
        )
        for row in alerts {
            let (detector, count) = try row.decode((String, Int64).self)
            counters.alerts[detector] = count
        }
        let (runs, _) = try session.query(
            "SELECT count(*)::bigint, max(finished_at)::bigint FROM retention_runs WHERE finished_at IS NOT NULL",
            "counting retention runs"
        )
        if let row = runs.first {
            (counters.retentionRuns, counters.lastRetentionRun) = try row.decode((Int64, Int64?).self)
        }
        return counters
    }

    /// The server's write-ahead log position: it moves with every change to any table, by any worker.
    public func dataVersion() throws -> Int64 {
        let (rows, _) = try session.query(
            "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint",
            "reading the data version"
        )
        return try rows.first?.decode(Int64.self) ?? 0
    }

    /// Sets the session's `statement_timeout` (only when it changes: one round trip).
    public func limitTime(seconds: Double?) throws {
        let milliseconds = seconds.map { max(1, Int(($0 * 1000).rounded())) } ?? 0
        guard milliseconds != statementTimeout else { return }
        try session.execute("SET statement_timeout = \(milliseconds)", "setting the statement time limit")
        statementTimeout = milliseconds
    }

    /// True for SQLSTATE 57014 (canceled by `statement_timeout`).
    public func exceededTimeLimit(_ error: any Error) -> Bool {
        "\(error)".contains("SQLSTATE 57014")
    }

}
