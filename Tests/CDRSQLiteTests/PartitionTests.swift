import CDRModel
import CDRStorage
import Foundation
import Testing

@testable import CDRSQLite

@Suite("Monthly record partitions")
struct PartitionTests {
    @Test("records go to one table per month, ids stay unique across them, and the records view unions them")
    func partitions() throws {
        let store = try SQLiteStore(path: try temporaryDirectory() + "/cdr.db")
        let id = try store.beginFile(path: "a.csv", size: 1, headSHA256: [1], sha256: nil, dialect: "test")
        var january = sample(1)
        january.start = CivilTime.parseISO("2026-01-31T23:59:00Z")!
        var february = sample(2)
        february.start = CivilTime.parseISO("2026-02-01T00:00:10Z")!
        #expect(try store.insert(january, key: RecordKey(high: 1, low: 1), fileID: id))
        #expect(try store.insert(february, key: RecordKey(high: 2, low: 2), fileID: id))
        #expect(!(try store.insert(february, key: RecordKey(high: 2, low: 2), fileID: id)))
        try store.finishFile(id: id, sha256: [2], size: 1, offset: 1, line: 2, counts: LoadCounts(stored: 2))
        #expect(try store.partitionMonths().map(\.description) == ["2026-01", "2026-02"])
        #expect(try store.recordCount() == 2)
        let ids = try store.records(number: january.calling).map(\.id)
        #expect(ids.count == 2 && Set(ids).count == 2)

        try store.dropPartition(month: UTCDay(january.day).month)
        #expect(try store.recordCount() == 1)
        let reopened = try SQLiteStore(path: store.connection.path)
        let next = try reopened.beginFile(path: "b.csv", size: 1, headSHA256: [3], sha256: nil, dialect: "test")
        var march = sample(3)
        march.start = CivilTime.parseISO("2026-03-01T00:00:00Z")!
        #expect(try reopened.insert(march, key: RecordKey(high: 3, low: 3), fileID: next))
        try reopened.finishFile(id: next, sha256: [4], size: 1, offset: 1, line: 1, counts: LoadCounts(stored: 1))
        let all = try reopened.records(number: january.calling).map(\.id)
        #expect(all.count == 2 && all.max()! > ids.max()!, "ids are never reused")
    }

    @Test("a database with the original single records table is migrated into partitions intact")
    func legacyMigration() throws {
        let path = try temporaryDirectory() + "/old.db"
        do {
            let store = try SQLiteStore(path: path)
            let id = try store.beginFile(path: "a.csv", size: 1, headSHA256: [1], sha256: nil, dialect: "test")
            for n in 0..<50 {
                var record = sample(n, diverting: n % 10 == 0 ? ["+447911999999"] : [])
                record.start += Int64(n) * 86_400 * 3
                _ = try store.insert(record, key: RecordKey(high: UInt64(n), low: 9), fileID: id)
            }
            try store.finishFile(id: id, sha256: [2], size: 1, offset: 1, line: 50, counts: LoadCounts(stored: 50))
            try store.connection.execute(
                """
                CREATE TABLE legacy AS SELECT * FROM records;
                DROP VIEW records;
                """
            )
            for month in try store.partitionMonths() {
                try store.connection.execute("DROP TABLE \(SQLiteStore.partitionName(month: month))")
            }
            try store.connection.execute(
                """
                DROP TABLE partitions; DROP TABLE store_state; DROP TABLE aggregates_monthly; DROP TABLE aggregates_daily; DROP TABLE aggregates_day_totals; DROP TABLE alerts; DROP TABLE cases; DROP TABLE users; DROP TABLE profiles; DROP TABLE profile_staging; DROP TABLE baselines;
                ALTER TABLE legacy RENAME TO records;
                CREATE UNIQUE INDEX records_by_calling ON records(day, calling, key);
                CREATE INDEX records_by_dialled ON records(day, dialled);
                ALTER TABLE files DROP COLUMN skipped; ALTER TABLE files DROP COLUMN incomplete;
                DELETE FROM schema_migrations WHERE version >= 4;
                """
            )
        }
        let migrated = try SQLiteStore(path: path)
        #expect(try migrated.schemaVersionInDatabase() == SQLiteStore.schemaVersion)
        #expect(try migrated.recordCount() == 50)
        #expect(
            try migrated.partitionMonths().map(\.description) == [
                "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
            ]
        )
        #expect(try migrated.records(number: "+447911999999").count == 5)
        #expect(try migrated.records(number: "+447911000001").count == 50)
    }
}
