import CDRModel
import CDRRetention
import CDRStorage
import Foundation
import Synchronization
import Testing

@testable import CDRPostgres

@Suite("The server's PostgreSQL store: reads on a client pool, blocking work on sessions")
struct PostgresServingStoreTests {
    func alert(_ id: String, at start: Int64) -> AlertRow {
        AlertRow(
            id: id,
            detector: "irsf-burst",
            rule: "irsf-burst",
            severity: "critical",
            subject: "+447700900001",
            windowStart: start,
            firstEvent: start,
            lastEvent: start + 600,
            measuresJSON: "{\"calls\":3}",
            evidence: [1, 2, 3],
            summary: "burst",
            fileID: nil
        )
    }

    @Test("answers every read as the blocking store does")
    func answersAsTheSession() async throws {
        guard let scratch = try PostgresScratch() else { return }
        let direct = try scratch.store()
        let token = try direct.addUser(name: "ana", role: "analyst", at: 1_700_000_000)
        _ = try direct.addHold(number: "+447700900001", from: nil, to: nil, caseRef: "D-1", reason: "dispute", by: "a")
        #expect(try direct.insertAlert(alert("a-1", at: 1_700_000_000)))
        #expect(try direct.insertAlert(alert("a-2", at: 1_700_001_000)))
        let store = try PostgresServingStore(
            try PostgresLocation(url: scratch.url),
            limits: ServingLimits(readers: 1),
            keyDirectory: nil
        )
        #expect(try await store.user(token: token)?.name == "ana")
        #expect(try await store.user(token: "cdr_nobody") == nil)
        #expect(try await store.holds(includeReleased: true).map(\.caseRef) == ["D-1"])
        let page = try await store.alerts(since: nil, criticalOnly: true, offset: 0, limit: 10)
        #expect(page.map(\.id) == ["a-2", "a-1"])
        #expect(page.map(\.id) == (try direct.alerts(since: nil, criticalOnly: true, offset: 0, limit: 10)).map(\.id))
        #expect(try await store.counters() == (try direct.counters()))
        #expect(try await store.counters().alerts["irsf-burst"] == 2)
        try await store.appendAudit(actor: "ana", action: "GET /v1/alerts", outcome: "ok", detail: "2 alerts")
        let entries = try await store.auditEntries(after: 0, limit: 10)
        #expect(entries.map(\.hash) == (try direct.auditEntries(after: 0, limit: 10)).map(\.hash))
        #expect(entries.map(\.actor) == ["ana"])
        let before = try await store.dataVersion()
        _ = try direct.addUser(name: "bo", role: "operator", at: 1_700_000_100)
        #expect(try await store.dataVersion() > before)
        #expect(try await store.fraudCase(id: 999) == nil)
    }

    @Test(
        "a read blocked by a lock does not hold up the others, and is cut short at the time limit",
        .timeLimit(.minutes(10))
    )
    func concurrentAndTimeLimited() async throws {
        guard let scratch = try PostgresScratch() else { return }
        let direct = try scratch.store()
        let token = try direct.addUser(name: "ana", role: "analyst", at: 1_700_000_000)
        let location = try PostgresLocation(url: scratch.url)
        let patient = try PostgresServingStore(
            location,
            limits: ServingLimits(readers: 1, timeLimit: 900),
            keyDirectory: nil
        )
        let hasty = try PostgresServingStore(
            location,
            limits: ServingLimits(readers: 1, timeLimit: 0.5),
            keyDirectory: nil
        )
        #expect(try await patient.holds(includeReleased: true).isEmpty)
        let locker = try scratch.store()
        try locker.session.begin()
        try locker.session.execute("LOCK TABLE holds IN ACCESS EXCLUSIVE MODE", "locking holds")
        let finished = Flag()
        let blocked = Task {
            defer { finished.value.store(true, ordering: .relaxed) }
            return try await patient.holds(includeReleased: true)
        }
        for _ in 0..<20 { #expect(try await patient.user(token: token)?.name == "ana") }
        let endedEarly = finished.value.load(ordering: .relaxed)
        #expect(!endedEarly, "the blocked read ended before the lock was released")
        await #expect(throws: ServingRefusal.timeLimit) { try await hasty.holds(includeReleased: true) }
        try locker.session.rollback()
        #expect(try await blocked.value.isEmpty)
        #expect(try await hasty.holds(includeReleased: true).isEmpty)
    }
}

extension PostgresServingStoreTests {
    @Test(
        "aggregate answers streamed through the analysis client equal the blocking query's, across the retention line"
    )
    func streamedAggregates() async throws {
        guard let scratch = try PostgresScratch() else { return }
        let store = try scratch.store()
        let records = eightMonths()
        guard let id = try store.claimForTest("eight.csv", hash: 1) else { return }
        _ = try store.store(records, rejected: 0, fileID: id, path: "eight.csv", worker: "w", leaseSeconds: 60)
        try store.finish(fileID: id, worker: "w", dialect: "test")
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-agg-\(UUID())").path
        let policy = RetentionPolicy()
        let asOf = CivilTime.parseISO("2026-09-15T12:00:00Z")!
        let report = try Retainer(store: store, policy: policy, vault: try KeyVault(directory: keys), actor: "t")
            .run(asOf: asOf)
        let remaining = try store.recordCount()
        #expect(report.rolledUp > 0 && remaining > 0, "some months rolled up, some still records")
        let serving = try PostgresServingStore(
            try PostgresLocation(url: scratch.url),
            limits: ServingLimits(readers: 2),
            keyDirectory: nil
        )
        let days = UTCDay(year: 2026, month: 1, day: 20)...UTCDay(year: 2026, month: 8, day: 10)
        let sets: [[AggregateDimension]] = [
            [.day, .carrier, .type], [.month, .direction], [.hour], [.country, .type],
        ]
        for dimensions in sets {
            let blocking = try AggregateQuery(store: store, policy: policy).run(days: days, by: dimensions)
            let streamed = try await serving.withAggregateSource { source in
                try await AggregateQuery.run(source: source, policy: policy, days: days, by: dimensions)
            }
            #expect(!blocking.isEmpty)
            #expect(streamed == blocking, "\(dimensions)")
        }
    }
}

/// A flag set by another task.
final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}
