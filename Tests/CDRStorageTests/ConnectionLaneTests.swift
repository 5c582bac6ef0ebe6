import CDRSQLite
import CDRStorage
import Dispatch
import Foundation
import Synchronization
import Testing

@Suite("A lane of store connections on threads of their own")
struct ConnectionLaneTests {
    func database() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-pool-\(UUID().uuidString)")
            .path
        _ = try SQLiteStore(path: path)
        return path
    }

    @Test("two requests run at once on two connections: one waits for the other inside its work")
    func concurrent() async throws {
        let path = try database()
        let pool = try ConnectionLane(size: 2, maxWaiting: 4, timeLimit: 10) { try SQLiteStore(path: path) }
        let met = DispatchSemaphore(value: 0)
        async let first = pool.run { _ in met.wait(timeout: .now() + 60) == .success }
        async let second = pool.run { _ in
            met.signal()
            return true
        }
        let (a, b) = try await (first, second)
        #expect(a && b)
    }

    @Test("a request finding every connection busy and the queue full is refused at once")
    func saturated() async throws {
        let path = try database()
        let pool = try ConnectionLane(size: 1, maxWaiting: 0, timeLimit: 10) { try SQLiteStore(path: path) }
        let started = Atomic<Bool>(false)
        let release = DispatchSemaphore(value: 0)
        let busy = Task {
            try await pool.run { _ in
                started.store(true, ordering: .relaxed)
                return release.wait(timeout: .now() + 60) == .success
            }
        }
        for _ in 0..<500 where !started.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
        let running = started.load(ordering: .relaxed)
        #expect(running)
        await #expect(throws: ServingRefusal.saturated) { try await pool.run { _ in true } }
        release.signal()
        let finished = try await busy.value
        #expect(finished)
        #expect(try await pool.run { _ in true })
    }

    @Test("work running past the time limit is stopped; the connection then serves the next request")
    func timeLimit() async throws {
        let path = try database()
        let pool = try ConnectionLane(size: 1, maxWaiting: 4, timeLimit: 0.05) { try SQLiteStore(path: path) }
        await #expect(throws: ServingRefusal.timeLimit) {
            try await pool.run { store in
                let sqlite = store as! SQLiteStore
                let statement = try sqlite.connection.prepare(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
                )
                return try statement.step()
            }
        }
        #expect(try await pool.run { store in try store.dataVersion() } >= 0)
    }

    @Test(
        "typed work whose store failure is the time limit is refused like untyped work; other failures are handed back"
    )
    func typedTimeLimit() async throws {
        let path = try database()
        let pool = try ConnectionLane(size: 1, maxWaiting: 4, timeLimit: 0.05) { try SQLiteStore(path: path) }
        let endless = { @Sendable (store: any ServingConnection) throws(StoreError) -> Int64 in
            try StoreError.wrapping("counting") {
                let statement = try (store as! SQLiteStore).connection.prepare(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
                )
                return try statement.step() ? 1 : 0
            }
        }
        await #expect(throws: ServingRefusal.timeLimit) {
            try await pool.run { store in
                try ConnectionLane.outcome(
                    on: store,
                    cause: { $0 },
                    endless
                )
            }
        }
        let handedBack = try await pool.run { store in
            try ConnectionLane.outcome(on: store, cause: { _ in nil }, endless)
        }
        guard case .failure = handedBack else {
            Issue.record("expected the store failure back, got \(handedBack)")
            return
        }
    }

    @Test("an audit entry waits out another process's write lock held past the busy timeout, and is written")
    func auditWaitsForTheWriteLock() async throws {
        let path = try database()
        let writer = try SQLiteStore(path: path)
        try writer.connection.execute("BEGIN IMMEDIATE")
        let reader = Unchecked(try SQLiteStore(path: path))
        let outcome = OutcomeBox()
        Thread.detachNewThread {
            outcome.set(
                Result { try reader.value.appendAudit(actor: "fraud", action: "GET /v1/records", outcome: "ok") }
            )
        }
        try await Task.sleep(for: .seconds(10.5))
        try writer.connection.execute("COMMIT")
        for _ in 0..<200 where !outcome.finished { try await Task.sleep(for: .milliseconds(100)) }
        #expect(outcome.succeeded)
        #expect(try writer.auditEntries(after: 0, limit: 10).count == 1)
    }
}

/// A store handed to one other thread, which alone uses it.
final class Unchecked<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) { self.value = value }
}

/// A result set by another thread.
final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<AuditEntry, any Error>?

    func set(_ result: Result<AuditEntry, any Error>) { lock.withLock { value = result } }

    var finished: Bool { lock.withLock { value != nil } }

    var succeeded: Bool {
        lock.withLock {
            if case .success = value { return true }
            return false
        }
    }
}
