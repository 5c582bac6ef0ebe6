import CDRModel
import CDRRetention
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRPostgres

/// Eight months of calls among 60 subscribers (a held one among them), 40 a day, deterministic.
func eightMonths() -> [(CallRecord, RecordKey)] {
    var state: UInt64 = 11
    func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
    let first = CivilTime.parseISO("2026-01-01T00:00:00Z")!
    let destinations = ["+4479111", "+4420794", "+4490612", "+336123"]
    var result: [(CallRecord, RecordKey)] = []
    for day in 0..<243 {
        for index in 0..<40 {
            let start = first + Int64(day) * 86_400 + Int64(next(86_000))
            let answered = next(4) > 0
            let billable = answered ? Int64(next(900)) : 0
            let caller = "+4477009" + String(format: "%05d", next(60))
            let record = CallRecord(
                calling: caller,
                dialled: destinations[next(4)] + String(format: "%05d", next(99_999)),
                diverting: index % 17 == 0 ? ["+447700900001"] : [],
                start: start,
                answer: answered ? start + 5 : nil,
                end: start + 5 + billable,
                duration: 5 + billable,
                billable: billable,
                disposition: answered ? .answered : .noAnswer,
                carrier: ["vodafone", "bt"][next(2)],
                sourceLine: day * 40 + index + 1
            )
            result.append((record, RecordKey(high: UInt64(day), low: UInt64(index))))
        }
    }
    return result
}

/// The same retention, holds, aggregate queries and audit over the SQLite and the PostgreSQL store.
@Suite("store conformance: SQLite and PostgreSQL", .serialized)
struct StoreConformanceTests {
    struct Outcome: Equatable {
        var report: [RetentionReport.Month]
        var partitions: [MonthIndex]
        var remaining: Int64
        var rows: [AggregateRow]
        var byMonth: [AggregateRow]
        var audit: AuditVerification
        var heldReleased: Int64
    }

    /// Loads the records, holds one number over March, retains as of mid-September, then releases the
    /// hold and retains again.
    func exercise(_ store: any RetentionStore, keys: String, count: () throws -> Int64) throws -> Outcome {
        let vault = try KeyVault(directory: keys)
        let policy = RetentionPolicy()
        let holds = LegalHolds(store: store, vault: vault, actor: "test")
        let hold = try holds.add(
            number: "+447700900007",
            from: CivilTime.parseISO("2026-03-01T00:00:00Z"),
            to: CivilTime.parseISO("2026-03-31T23:59:59Z"),
            caseRef: "D-1",
            reason: "billing dispute"
        )
        let asOf = CivilTime.parseISO("2026-09-15T12:00:00Z")!
        let dry = try Retainer(store: store, policy: policy, vault: vault, actor: "test").run(asOf: asOf, dryRun: true)
        let before = try count()
        let report = try Retainer(store: store, policy: policy, vault: vault, actor: "test").run(asOf: asOf)
        #expect(dry.months == report.months, "a dry run reports what the run does")
        #expect(before - report.rolledUp == (try count()))
        let partitions = try store.partitionMonths()
        let remaining = try count()
        let days = UTCDay(year: 2026, month: 1, day: 1)...EpochSeconds(asOf).day
        let query = AggregateQuery(store: store, policy: policy)
        let rows = try query.run(days: days, by: [.day, .carrier, .type])
        let byMonth = try query.run(days: days, by: [.month, .direction], includeRecords: false)
        _ = try holds.release(id: hold.id)
        let second = try Retainer(store: store, policy: policy, vault: vault, actor: "test").run(asOf: asOf)
        return Outcome(
            report: report.months,
            partitions: partitions,
            remaining: remaining,
            rows: rows,
            byMonth: byMonth,
            audit: try store.verifyAudit(),
            heldReleased: second.rolledUp
        )
    }

    @Test("retention drops the months it rolls up, keeps held records, and both stores answer alike")
    func retentionMatches() throws {
        guard let scratch = try PostgresScratch() else { return }
        let records = eightMonths()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-conf-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)

        let sqlite = try SQLiteStore(path: folder + "/cdr.db")
        let file = try sqlite.beginFile(
            path: "eight.csv",
            size: 1,
            headSHA256: [UInt8](repeating: 0, count: 32),
            sha256: nil,
            dialect: "test"
        )
        for (record, key) in records { _ = try sqlite.insert(record, key: key, fileID: file) }
        try sqlite.foldProfiles(fileID: file)
        try sqlite.finishFile(
            id: file,
            sha256: [UInt8](repeating: 1, count: 32),
            size: 1,
            offset: 1,
            line: records.count,
            counts: LoadCounts(stored: Int64(records.count))
        )

        let postgres = try scratch.store()
        guard let id = try postgres.claimForTest("eight.csv", hash: 1) else { return }
        _ = try postgres.store(records, rejected: 0, fileID: id, path: "eight.csv", worker: "w", leaseSeconds: 60)
        try postgres.finish(fileID: id, worker: "w", dialect: "test")
        let keys = Set(records.map(\.0.calling)).sorted() + Set(records.map { "acct:" + $0.0.account }).sorted()
        let sqliteProfiles = try sqlite.profiles(keys: keys)
        #expect(sqliteProfiles.count >= 2, "profiles folded at the file's finish")
        #expect(try postgres.profiles(keys: keys) == sqliteProfiles, "both stores fold a file into the same profiles")
        for quantile in [0.0, 0.5, 0.99] {
            let prior = try sqlite.usualMinutesQuantile(quantile, minDays: 1)
            let fromPostgres = try postgres.usualMinutesQuantile(quantile, minDays: 1)
            #expect(prior != nil && fromPostgres == prior, "\(quantile)")
        }
        var busyFound = 0
        for day in Set(sqliteProfiles.values.map(\.lastDay)) {
            let expected = sqliteProfiles.values.filter { $0.lastDay == day && $0.dayMinutes >= 1 }.map(\.key).sorted()
            #expect(try sqlite.keys(busyOn: day, minutes: 1, limit: 1_000)?.sorted() == expected)
            #expect(try postgres.keys(busyOn: day, minutes: 1, limit: 1_000)?.sorted() == expected)
            if expected.count > 1 {
                #expect(try sqlite.keys(busyOn: day, minutes: 1, limit: expected.count - 1) == nil, "over the limit")
                #expect(try postgres.keys(busyOn: day, minutes: 1, limit: expected.count - 1) == nil, "over the limit")
            }
            busyFound += expected.count
        }
        #expect(busyFound > 0, "some profile is busy on its last day")

        let expected = try exercise(sqlite, keys: folder + "/sqlite.keys") { try sqlite.recordCount() }
        let actual = try exercise(postgres, keys: folder + "/pg.keys") { try postgres.recordCount() }

        let first = MonthIndex(year: 2026, month: 1)
        #expect(!actual.partitions.contains(first) && !actual.partitions.contains(first.next))
        #expect(actual.partitions.contains(first.advanced(by: 2)), "March is held in part, so its partition stays")
        #expect(actual.report.first { $0.month == "2026-03" }.map { $0.held > 0 } == true)
        #expect(actual.remaining > 0)
        #expect(actual.rows.count > 100 && actual.byMonth.count >= 3, "too few rows to compare")
        let january = actual.report.first { $0.month == "2026-01" }
        #expect(january?.rolledUp == Int64(31 * 40))
        #expect(actual.heldReleased > 0, "releasing the hold lets the next run roll its records up")
        #expect(actual.audit == expected.audit)
        #expect(actual.report == expected.report)
        #expect(actual.partitions == expected.partitions)
        #expect(actual.remaining == expected.remaining)
        #expect(actual.rows.count == expected.rows.count)
        #expect(actual.rows == expected.rows)
        #expect(actual.byMonth == expected.byMonth)
        #expect(actual.heldReleased == expected.heldReleased)
        #expect(try postgres.recordCount() == (try sqlite.recordCount()))
    }
}
