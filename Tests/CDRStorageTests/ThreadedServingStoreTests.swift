import CDRSQLite
import CDRStorage
import Dispatch
import Foundation
import Synchronization
import Testing

@Suite("The server's store over SQLite connections on threads")
struct ThreadedServingStoreTests {
    func database() throws -> (String, SQLiteStore) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-serving-\(UUID().uuidString)")
            .path
        return (path, try SQLiteStore(path: path))
    }

    @Test("answers as a connection does: users, holds, audit entries, counters")
    func answersAsTheConnection() async throws {
        let (path, direct) = try database()
        let token = try direct.addUser(name: "ana", role: "analyst", at: 1_700_000_000)
        _ = try direct.addHold(number: "+447700900001", from: nil, to: nil, caseRef: "D-1", reason: "dispute", by: "a")
        let store = try ThreadedServingStore(limits: ServingLimits(readers: 1)) { try SQLiteStore(path: path) }
        #expect(try await store.user(token: token)?.name == "ana")
        #expect(try await store.user(token: token + "x") == nil)
        #expect(try await store.holds(includeReleased: false).map(\.caseRef) == ["D-1"])
        try await store.appendAudit(actor: "ana", action: "GET /v1/holds", outcome: "ok", detail: "1 holds")
        let entries = try await store.auditEntries(after: 0, limit: 10)
        #expect(entries.map(\.actor) == ["ana"])
        #expect(try direct.auditEntries(after: 0, limit: 10).map(\.hash) == entries.map(\.hash))
        #expect(try await store.counters().files == (try direct.counters()).files)
    }

    @Test("the data version answers while every interactive connection is busy", .timeLimit(.minutes(1)))
    func versionWhileBusy() async throws {
        let (path, _) = try database()
        let store = try ThreadedServingStore(limits: ServingLimits(readers: 1)) { try SQLiteStore(path: path) }
        let started = Counter()
        let release = DispatchSemaphore(value: 0)
        var busy: [Task<Bool, any Error>] = []
        for _ in 0..<ServingLimits.interactiveConnections {
            busy.append(
                Task {
                    try await store.withConnection(.interactive, limited: false) { _ in
                        started.count.add(1, ordering: .relaxed)
                        return release.wait(timeout: .now() + 60) == .success
                    }
                }
            )
        }
        for _ in 0..<500 where started.count.load(ordering: .relaxed) < busy.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(started.count.load(ordering: .relaxed) == busy.count)
        #expect(try await store.dataVersion() >= 0)
        for _ in busy { release.signal() }
        for task in busy { #expect(try await task.value) }
    }
}

/// A count shared with work on other threads.
final class Counter: Sendable {
    let count = Atomic<Int>(0)
}
