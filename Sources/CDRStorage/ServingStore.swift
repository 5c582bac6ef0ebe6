/// What the HTTP server asks of a database: every method is `async`, and none blocks a thread the caller
/// owns (an event loop or Swift's cooperative pool). Refusals throw ``ServingRefusal``; database failures
/// throw ``StoreError`` or the store's own error.
public protocol ServingStore: Sendable {
    /// How long one piece of store work may run before it is cut short, in seconds.
    var timeLimit: Double { get }
    /// A number that changes whenever the stored data may have changed.
    func dataVersion() async throws -> Int64
    /// The active user a bearer token belongs to, or nil.
    func user(token: String) async throws -> UserRow?
    /// A page of the files registry, newest first.
    func files(offset: Int, limit: Int) async throws -> [FileEntry]
    /// The store's monitoring counters.
    func counters() async throws -> StoreCounters
    /// A page of alerts, newest first.
    func alerts(since: Int64?, criticalOnly: Bool, offset: Int, limit: Int) async throws -> [AlertRow]
    /// One fraud case, if it exists.
    func fraudCase(id: Int64) async throws -> FraudCase?
    /// Alerts of one case, oldest first.
    func alerts(caseID: Int64) async throws -> [AlertRow]
    /// The holds, active ones only unless `includeReleased`, oldest first.
    func holds(includeReleased: Bool) async throws -> [Hold]
    /// The audit entries with id greater than `after`, oldest first, at most `limit`.
    func auditEntries(after: Int64, limit: Int) async throws -> [AuditEntry]
    /// Appends an entry to the audit log; never cut short by the time limit.
    func appendAudit(actor: String, action: String, subject: String, outcome: String, detail: String) async throws
    /// Runs `body` on a connection of its own, on a thread of its own, in `lane`: work that reads through the
    /// synchronous store protocols (subject requests, aggregate queries, audit verification). Under the time
    /// limit unless `limited` is false.
    func withConnection<T: Sendable>(
        _ lane: ServingLane,
        limited: Bool,
        _ body: @escaping @Sendable (any ServingConnection) throws -> T
    ) async throws -> T
    /// Runs `body` with an `async` source of aggregates, admitted like analysis work and cut short at the time
    /// limit; nil when the store has none and analyses run on an analysis connection instead.
    func withAggregateSource<T: Sendable>(_ body: (any AggregateSource) async throws -> T) async throws -> T?
}

extension ServingStore {
    /// No `async` source: analyses run on an analysis connection.
    public func withAggregateSource<T: Sendable>(_ body: (any AggregateSource) async throws -> T) async throws -> T? {
        nil
    }

    /// Appends an entry about no particular subject.
    public func appendAudit(actor: String, action: String, outcome: String, detail: String) async throws {
        try await appendAudit(actor: actor, action: action, subject: "", outcome: outcome, detail: detail)
    }
}

/// Which connections a piece of serving work runs on.
public enum ServingLane: Sendable {
    /// Short interactive work: tokens, files, holds, records, audit, subject requests.
    case interactive
    /// Aggregate analyses the cache cannot answer, on connections of their own at a lower priority, so slow
    /// ones never hold up the others.
    case analysis
}

/// How many connections serve, how much work may wait, and for how long one piece may run.
public struct ServingLimits: Sendable {
    /// Connections (and threads) for aggregate analyses.
    public var readers: Int
    /// Analyses that may wait for a connection before more are refused.
    public var maxWaiting: Int
    /// How long one piece of store work may run, in seconds.
    public var timeLimit: Double

    /// Limits; the defaults are `cdrpipe serve`'s.
    public init(readers: Int = 2, maxWaiting: Int = 64, timeLimit: Double = 10) {
        self.readers = readers
        self.maxWaiting = maxWaiting
        self.timeLimit = timeLimit
    }

    /// Connections for interactive work.
    public static let interactiveConnections = 2
    /// Interactive work that may wait for a connection.
    public static let interactiveWaiting = 1024
}
