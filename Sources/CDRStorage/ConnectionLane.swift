import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A fixed set of store connections worked by as many threads of their own (never an event loop or Swift's
/// cooperative pool): each piece of work takes one connection, so that many run at once and a slow one holds
/// only its own. Work beyond the connections waits in a bounded queue; work that finds the queue full is
/// refused at once with ``ServingRefusal/saturated`` rather than queued without bound. Every piece of work
/// runs under a time limit (SQLite's progress handler, PostgreSQL's `statement_timeout`).
public final class ConnectionLane: Sendable {
    /// Store connections not in use (one per thread, so one is always free when a thread starts work).
    private let idle: Connections
    private let threads: NIOThreadPool
    private let admitted = Atomic<Int>(0)
    /// How many connections (and threads) work at once.
    public let size: Int
    /// How many pieces of work may wait for a connection before more are refused.
    public let maxWaiting: Int
    /// The time limit of one piece of work, in seconds.
    public let timeLimit: Double
    /// The scheduling priority (nice value) of the lane's threads: long analyses run at a lower one, so they
    /// take only the processor time the server's own threads leave (Linux keeps a nice value per thread, and
    /// `setpriority` with `who` 0 sets the calling thread's).
    public let niceness: Int32

    /// Opens `size` connections with `open`.
    public convenience init(
        size: Int,
        maxWaiting: Int,
        timeLimit: Double,
        niceness: Int32 = 0,
        open: () throws -> any ServingConnection
    ) throws {
        var handles: [Handle] = []
        for _ in 0..<max(1, size) { handles.append(Handle(try open())) }
        self.init(handles: handles, maxWaiting: maxWaiting, timeLimit: timeLimit, niceness: niceness)
    }

    /// A lane over connections already open: nothing here can fail, so no half-built lane is ever torn down
    /// (Swift 6.3.1's release optimiser crashed on the throwing form, in copy propagation).
    private init(handles: [Handle], maxWaiting: Int, timeLimit: Double, niceness: Int32) {
        self.niceness = niceness
        size = handles.count
        self.maxWaiting = max(0, maxWaiting)
        self.timeLimit = timeLimit
        idle = Connections(handles)
        threads = NIOThreadPool(numberOfThreads: handles.count)
        threads.start()
    }

    deinit { threads.shutdownGracefully { _ in } }

    /// Runs `body` with a connection on one of the lane's threads, under the time limit unless `limited` is
    /// false (a write that must not be cut short). Throws ``ServingRefusal`` when saturated or cut short.
    public func run<T: Sendable>(
        limited: Bool = true,
        _ body: @escaping @Sendable (any ServingConnection) throws -> T
    ) async throws -> T {
        let inFlight = admitted.wrappingAdd(1, ordering: .relaxed).newValue
        defer { admitted.wrappingSubtract(1, ordering: .relaxed) }
        guard inFlight <= size + maxWaiting else { throw ServingRefusal.saturated }
        let timeLimit = limited ? timeLimit : nil
        let niceness = niceness
        return try await threads.runIfActive { [idle] in
            if niceness != 0 { setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
            guard let handle = idle.take() else { throw ServingRefusal.saturated }
            defer { idle.give(handle) }
            let store = handle.store
            try store.limitTime(seconds: timeLimit)
            do {
                return try body(store)
            } catch  where store.exceededTimeLimit(error) {
                throw ServingRefusal.timeLimit
            }
        }
    }

    /// Appends an audit entry on one of the lane's connections, never cut short by the time limit.
    public func appendAudit(
        actor: String,
        action: String,
        subject: String,
        outcome: String,
        detail: String
    )
        async throws
    {
        _ = try await run(limited: false) { store in
            try store.appendAudit(actor: actor, action: action, subject: subject, outcome: outcome, detail: detail)
        }
    }

    /// Runs `body` on `store` and hands back its typed failure, except a failure whose store `cause` is the
    /// time limit, which throws ``ServingRefusal/timeLimit`` as work that throws untyped errors does.
    public static func outcome<T, E: Error>(
        on store: any ServingConnection,
        cause: (E) -> (any Error)?,
        _ body: (any ServingConnection) throws(E) -> T
    ) throws -> Result<T, E> {
        let outcome = Result { () throws(E) -> T in try body(store) }
        if case .failure(let error) = outcome, let cause = cause(error), store.exceededTimeLimit(cause) {
            throw ServingRefusal.timeLimit
        }
        return outcome
    }

    /// Connections free for work. Work items capture this, never the lane, so the lane is never released
    /// (and shut down) on one of its own threads.
    final class Connections: Sendable {
        private let free: Mutex<[Handle]>

        init(_ handles: [Handle]) { free = Mutex(handles) }

        func take() -> Handle? { free.withLock { $0.popLast() } }

        func give(_ handle: Handle) { free.withLock { $0.append(handle) } }
    }

    /// One of the lane's store connections.
    ///
    /// `@unchecked Sendable` is sound: a handle is taken out of the idle list for the length of one piece of
    /// work on one thread, so never used by two threads at once.
    final class Handle: @unchecked Sendable {
        let store: any ServingConnection

        init(_ store: consuming sending any ServingConnection) { self.store = store }
    }
}
