import CDRStorage
import NIOCore
import PostgresNIO

extension PostgresStore: ServingConnection {
    /// The active user a bearer token belongs to, or nil.
    public func user(token: String) throws -> UserRow? { try session.read(ServingReads.user(token: token)) }

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
    public func users() throws -> [UserRow] { try session.read(ServingReads.users) }

    /// Revokes a user's token; false when no active user has that name.
    public func revokeUser(name: String, at now: Int64) throws -> Bool {
        let (_, revoked) = try session.query(
            "UPDATE users SET revoked_at = \(now) WHERE name = \(name) AND revoked_at IS NULL",
            "revoking user \(name)"
        )
        return revoked > 0
    }

    /// A page of the files registry, newest first.
    public func files(offset: Int, limit: Int) throws -> [FileEntry] {
        try session.read(ServingReads.files(offset: offset, limit: limit))
    }

    /// The store's monitoring counters.
    public func counters() throws -> StoreCounters {
        var counters = StoreCounters()
        try session.read(ServingReads.fileCounters).apply(to: &counters)
        counters.alerts = try session.read(ServingReads.alertCounts)
        (counters.retentionRuns, counters.lastRetentionRun) = try session.read(ServingReads.retentionRuns)
        return counters
    }

    /// The server's write-ahead log position: it moves with every change to any table, by any worker.
    public func dataVersion() throws -> Int64 { try session.read(ServingReads.dataVersion) }

    /// Sets the session's `statement_timeout` (only when it changes: one round trip).
    public func limitTime(seconds: Double?) throws {
        let milliseconds = seconds.map { max(1, Int(($0 * 1000).rounded())) } ?? 0
        guard milliseconds != statementTimeout else { return }
        try session.execute("SET statement_timeout = \(milliseconds)", "setting the statement time limit")
        statementTimeout = milliseconds
    }

    /// True for SQLSTATE 57014 (canceled by `statement_timeout`).
    public func exceededTimeLimit(_ error: any Error) -> Bool {
        PostgresSession.canceledByTimeout(error)
    }

}
