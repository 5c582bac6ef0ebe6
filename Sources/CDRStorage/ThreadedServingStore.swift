import NIOPosix
import Synchronization

/// A ``ServingStore`` over synchronous connections (SQLite's; PostgreSQL's for its blocking work), each
/// worked by a thread of its own: two for interactive work, `readers` at low priority for analyses, and one
/// that only reads the data version, so a cached answer never waits for a busy lane. SQLite in WAL mode lets
/// all of them read at once.
public final class ThreadedServingStore: ServingStore {
    /// Connections for interactive work.
    public let interactive: ConnectionLane
    /// Connections for analyses the cache cannot answer.
    public let analysis: ConnectionLane
    private let version: VersionReader
    private let versionThread = NIOThreadPool(numberOfThreads: 1)
    /// How long one piece of store work may run, in seconds.
    public var timeLimit: Double { interactive.timeLimit }

    /// Opens the connections of both lanes and the version reader with `open`.
    public convenience init(limits: ServingLimits, open: () throws -> any ServingConnection) throws {
        let interactive = try ConnectionLane(
            size: ServingLimits.interactiveConnections,
            maxWaiting: ServingLimits.interactiveWaiting,
            timeLimit: limits.timeLimit,
            open: open
        )
        let analysis = try ConnectionLane(
            size: limits.readers,
            maxWaiting: limits.maxWaiting,
            timeLimit: limits.timeLimit,
            niceness: 10,
            open: open
        )
        self.init(interactive: interactive, analysis: analysis, version: VersionReader(try open()))
    }

    private init(interactive: ConnectionLane, analysis: ConnectionLane, version: VersionReader) {
        self.interactive = interactive
        self.analysis = analysis
        self.version = version
        versionThread.start()
    }

    deinit { versionThread.shutdownGracefully { _ in } }

    /// The data version, read on its own connection and thread. (Reading it inline, under a lock, measured
    /// slower with 200 clients: cached p99 70 ms against 60 ms.)
    public func dataVersion() async throws -> Int64 {
        try await versionThread.runIfActive { [version] in try version.read() }
    }

    /// The active user a bearer token belongs to, or nil.
    public func user(token: String) async throws -> UserRow? {
        try await interactive.run { try $0.user(token: token) }
    }

    /// A page of the files registry, newest first.
    public func files(offset: Int, limit: Int) async throws -> [FileEntry] {
        try await interactive.run { try $0.files(offset: offset, limit: limit) }
    }

    /// The store's monitoring counters.
    public func counters() async throws -> StoreCounters {
        try await interactive.run { try $0.counters() }
    }

    /// A page of alerts, newest first.
    public func alerts(since: Int64?, criticalOnly: Bool, offset: Int, limit: Int) async throws -> [AlertRow] {
        try await interactive.run {
            try $0.alerts(since: since, criticalOnly: criticalOnly, offset: offset, limit: limit)
        }
    }

    /// One fraud case, if it exists.
    public func fraudCase(id: Int64) async throws -> FraudCase? {
        try await interactive.run { try $0.fraudCase(id: id) }
    }

    /// Alerts of one case, oldest first.
    public func alerts(caseID: Int64) async throws -> [AlertRow] {
        try await interactive.run { try $0.alerts(caseID: caseID) }
    }

    /// The holds, active ones only unless `includeReleased`, oldest first.
    public func holds(includeReleased: Bool) async throws -> [Hold] {
        try await interactive.run { try $0.holds(includeReleased: includeReleased) }
    }

    /// The audit entries with id greater than `after`, oldest first, at most `limit`.
    public func auditEntries(after: Int64, limit: Int) async throws -> [AuditEntry] {
        try await interactive.run { try $0.auditEntries(after: after, limit: limit) }
    }

    /// Appends an entry to the audit log; never cut short by the time limit.
    public func appendAudit(
        actor: String,
        action: String,
        subject: String,
        outcome: String,
        detail: String
    ) async throws {
        try await interactive.appendAudit(
            actor: actor,
            action: action,
            subject: subject,
            outcome: outcome,
            detail: detail
        )
    }

    /// Runs `body` on a connection of `lane`, on that connection's thread.
    public func withConnection<T: Sendable>(
        _ lane: ServingLane,
        limited: Bool,
        _ body: @escaping @Sendable (any ServingConnection) throws -> T
    ) async throws -> T {
        switch lane {
        case .interactive: try await interactive.run(limited: limited, body)
        case .analysis: try await analysis.run(limited: limited, body)
        }
    }

    /// The connection the data version is read on, one reader at a time (`@unchecked Sendable` is sound:
    /// the connection is only used under the lock).
    final class VersionReader: @unchecked Sendable {
        private let lock = Mutex(())
        private let store: any ServingConnection

        init(_ store: consuming sending any ServingConnection) { self.store = store }

        func read() throws -> Int64 { try lock.withLock { _ in try store.dataVersion() } }
    }
}
