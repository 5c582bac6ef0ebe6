import CDRStorage
import Logging
import PostgresNIO
import Synchronization

/// The server's way into PostgreSQL, `async` end to end where it matters: the reads of every request
/// (tokens, data version, files, counters, alerts, cases, holds, audit pages) go through one
/// `PostgresClient` pool, and aggregate analyses stream through a second of `readers` connections, so slow
/// analyses never take a connection a token check needs and nothing holds a thread while PostgreSQL works.
/// Work that goes through the synchronous store protocols (subject requests, audit appends and
/// verification) runs on a ``ConnectionLane`` of two blocking sessions, on threads of their own.
public final class PostgresServingStore: ServingStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let interactive: ConnectionLane
    private let aggregates: PostgresAggregateSource
    private let admitted = Atomic<Int>(0)
    private let analysisGate: AnalysisGate
    private let limits: ServingLimits
    private let logger: Logger
    /// Most client reads at once; beyond them up to ``ServingLimits/interactiveWaiting`` wait for a connection.
    public let clientConnections: Int
    /// How long one piece of store work may run, in seconds (PostgreSQL's `statement_timeout`).
    public var timeLimit: Double { limits.timeLimit }

    /// Starts a client pool of `clientConnections` connections and opens the blocking lanes' sessions, each
    /// store with its audit chain key in `keyDirectory`.
    public init(
        _ location: PostgresLocation,
        limits: ServingLimits,
        keyDirectory: String?,
        clientConnections: Int = 8
    ) throws {
        var logger = Logger(label: "cdrpipe.postgres.client")
        logger.logLevel = .error
        self.logger = logger
        let open = { () throws -> any ServingConnection in
            let store = try PostgresStore(location)
            store.auditKeyDirectory = keyDirectory
            return store
        }
        interactive = try ConnectionLane(
            size: ServingLimits.interactiveConnections,
            maxWaiting: ServingLimits.interactiveWaiting,
            timeLimit: limits.timeLimit,
            open: open
        )
        var configuration = PostgresClient.Configuration(
            host: location.host,
            port: location.port,
            username: location.user,
            password: location.password,
            database: location.database,
            tls: Self.clientTLS(location)
        )
        let milliseconds = max(1, Int((limits.timeLimit * 1000).rounded()))
        configuration.options.additionalStartupParameters = [("statement_timeout", "\(milliseconds)")]
        configuration.options.maximumConnections = max(1, clientConnections)
        self.clientConnections = max(1, clientConnections)
        self.limits = limits
        analysisGate = AnalysisGate(width: limits.readers, maxWaiting: limits.maxWaiting)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        configuration.options.maximumConnections = max(1, limits.readers)
        let analysisClient = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        aggregates = PostgresAggregateSource(client: analysisClient, logger: logger)
        runner = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await client.run() }
                group.addTask { await analysisClient.run() }
            }
        }
    }

    deinit { runner.cancel() }

    static func clientTLS(_ location: PostgresLocation) -> PostgresClient.Configuration.TLS {
        switch location.tls {
        case .disable: .disable
        case .prefer: .prefer(PostgresSession.tlsConfiguration(location))
        case .require, .verifyFull: .require(PostgresSession.tlsConfiguration(location))
        }
    }

    /// Runs one read on the client pool, refused when too many already wait, and cut short by
    /// `statement_timeout`.
    private func read<Value: Sendable>(_ read: PostgresRead<Value>) async throws -> Value {
        let inFlight = admitted.wrappingAdd(1, ordering: .relaxed).newValue
        defer { admitted.wrappingSubtract(1, ordering: .relaxed) }
        guard inFlight <= clientConnections + ServingLimits.interactiveWaiting else { throw ServingRefusal.saturated }
        do {
            return try await client.read(read, logger: logger)
        } catch  where PostgresSession.canceledByTimeout(error) {
            throw ServingRefusal.timeLimit
        }
    }

    /// The server's write-ahead log position.
    public func dataVersion() async throws -> Int64 { try await read(ServingReads.dataVersion) }

    /// The active user a bearer token belongs to, or nil.
    public func user(token: String) async throws -> UserRow? { try await read(ServingReads.user(token: token)) }

    /// A page of the files registry, newest first.
    public func files(offset: Int, limit: Int) async throws -> [FileEntry] {
        try await read(ServingReads.files(offset: offset, limit: limit))
    }

    /// The store's monitoring counters.
    public func counters() async throws -> StoreCounters {
        var counters = StoreCounters()
        try await read(ServingReads.fileCounters).apply(to: &counters)
        counters.alerts = try await read(ServingReads.alertCounts)
        (counters.retentionRuns, counters.lastRetentionRun) = try await read(ServingReads.retentionRuns)
        return counters
    }

    /// A page of alerts, newest first.
    public func alerts(since: Int64?, criticalOnly: Bool, offset: Int, limit: Int) async throws -> [AlertRow] {
        try await read(ServingReads.alerts(since: since, criticalOnly: criticalOnly, offset: offset, limit: limit))
    }

    /// One fraud case, if it exists.
    public func fraudCase(id: Int64) async throws -> FraudCase? { try await read(ServingReads.fraudCase(id: id)) }

    /// Alerts of one case, oldest first.
    public func alerts(caseID: Int64) async throws -> [AlertRow] { try await read(ServingReads.alerts(caseID: caseID)) }

    /// The holds, active ones only unless `includeReleased`, oldest first.
    public func holds(includeReleased: Bool) async throws -> [Hold] {
        try await read(ServingReads.holds(includeReleased: includeReleased))
    }

    /// The audit entries with id greater than `after`, oldest first, at most `limit`.
    public func auditEntries(after: Int64, limit: Int) async throws -> [AuditEntry] {
        try await read(ServingReads.auditEntries(after: after, limit: limit))
    }

    /// Appends an entry to the audit log on a blocking session (the chain is extended under a lock, in one
    /// transaction, with the chain key); never cut short.
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

    /// Runs `body` on a blocking session, on that session's thread. Analyses come through
    /// ``withAggregateSource(_:)``, so both lanes share the interactive sessions.
    public func withConnection<T: Sendable>(
        _ lane: ServingLane,
        limited: Bool,
        _ body: @escaping @Sendable (any ServingConnection) throws -> T
    ) async throws -> T {
        try await interactive.run(limited: limited, body)
    }

    /// Runs `body` with the aggregate reads of the analysis client pool, `readers` analyses at a time, the
    /// rest waiting in arrival order; refused when `maxWaiting` already wait.
    public func withAggregateSource<T: Sendable>(_ body: (any AggregateSource) async throws -> T) async throws -> T? {
        try await analysisGate.enter()
        defer { analysisGate.leave() }
        return try await body(aggregates)
    }

}
