import CDRFraud
import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRIngest

/// Profiles whose first day, last day, active days, or last day's calls and answered seconds differ from
/// the same figures computed by SQL over the stored records (calling numbers and accounts).
func profilesDisagreeingWithRecords(_ db: String) throws -> Int64 {
    try count(
        db,
        """
        WITH usage(key, day, seconds, calls) AS (
            SELECT calling, day, sum(billsec), sum(part <= 1) FROM records
            WHERE calling <> '' AND leg IN (0, 1) GROUP BY calling, day
            UNION ALL SELECT 'acct:' || account, day, sum(billsec), sum(part <= 1) FROM records
            WHERE account <> '' AND leg IN (0, 1) GROUP BY account, day
        ), summary AS (
            SELECT key, min(day) AS first, max(day) AS last, count(*) AS days FROM usage GROUP BY key
        )
        SELECT (SELECT count(*) FROM summary) - (SELECT count(*) FROM profiles)
            + (SELECT count(*) FROM profiles p JOIN summary s ON s.key = p.key
               JOIN usage u ON u.key = p.key AND u.day = p.last_day
               WHERE p.first_day <> s.first OR p.last_day <> s.last OR p.active_days <> s.days
                   OR p.day_calls <> u.calls OR abs(p.day_minutes * 60 - u.seconds) > 1e-6)
        """
    )
}

@Suite("Usage profiles folded by ingest")
struct ProfileFoldTests {
    /// Every profile as text, in key order.
    func profiles(_ db: String) throws -> [String] {
        let statement = try SQLiteStore(path: db).connection.prepare(
            """
            SELECT key || ' ' || first_day || ' ' || last_day || ' ' || active_days || ' ' || round(mean_minutes, 9)
                || ' ' || round(mean_calls, 9) || ' ' || round(weight, 12) || ' ' || round(day_minutes, 9) || ' '
                || day_calls FROM profiles ORDER BY key
            """
        )
        var rows: [String] = []
        while try statement.step() { rows.append(statement.text(0)) }
        return rows
    }

    @Test("counted in memory, staged in the store past its limit, or read back from the records: the same profiles")
    func threeWaysAgree() throws {
        let dir = try temporaryDirectory()
        try generate(dir + "/a.csv", rows: 6000, seed: 31)
        try generate(dir + "/b.csv", rows: 4000, seed: 32)
        _ = try ingest(dir + "/memory.db", [dir + "/a.csv", dir + "/b.csv"])
        var small = IngestOptions()
        small.usageBufferKeys = 50
        small.batchSize = 256
        let stagedStore = try SQLiteStore(path: dir + "/staged.db")
        _ = try IngestJob(into: .sqlite(stagedStore), options: small, rejectsPath: dir + "/s.jsonl").run(
            paths: [dir + "/a.csv", dir + "/b.csv"])
        let cache = try stagedStore.connection.prepare("PRAGMA cache_size")
        _ = try cache.step()
        #expect(cache.int(0) == -16 * 1024, "the usual page cache is back after folding with a small one")
        #expect(
            try count(dir + "/staged.db", "SELECT count(*) FROM profile_staging") == 0,
            "staged rows go at the fold"
        )

        let reread = try SQLiteStore(path: dir + "/reread.db")
        for path in [dir + "/a.csv", dir + "/b.csv"] {
            _ = try IngestJob(into: .sqlite(reread), options: IngestOptions(), rejectsPath: dir + "/r.jsonl").run(
                paths: [path])
        }
        try reread.connection.execute("DELETE FROM profiles")
        for file in [Int64(1), 2] { try reread.atomically { try reread.foldProfiles(fileID: file) } }

        let expected = try profiles(dir + "/reread.db")
        #expect(expected.count > 100)
        #expect(try profiles(dir + "/memory.db") == expected)
        #expect(try profiles(dir + "/staged.db") == expected)
    }

    @Test("a file that fails after staging part of its usage adds nothing to the profiles")
    func failedFileAddsNothing() throws {
        let dir = try temporaryDirectory()
        try generate(dir + "/good.csv", rows: 3000, seed: 33)
        var small = IngestOptions()
        small.usageBufferKeys = 20
        small.batchSize = 64
        _ = try ingest(dir + "/cdr.db", [dir + "/good.csv"], options: small)
        let before = try profiles(dir + "/cdr.db")
        try generate(dir + "/other.gz", rows: 3000, seed: 34, gzip: true)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/other.gz"))
        bytes = bytes.prefix(bytes.count * 2 / 3)
        try bytes.write(to: URL(fileURLWithPath: dir + "/truncated.gz"))
        let outcome = try ingest(dir + "/cdr.db", [dir + "/truncated.gz"], options: small)
        #expect(outcome.failedFiles.count == 1, "a truncated gzip file fails")
        #expect(try profiles(dir + "/cdr.db") == before)
        #expect(try count(dir + "/cdr.db", "SELECT count(*) FROM profile_staging") == 0)
    }
}

@Suite("Stored profiles for detection")
struct StoredProfilesLookupTests {
    @Test("an empty store is not asked key by key until it holds profiles, then keys are found")
    func emptyThenFilled() throws {
        let dir = try temporaryDirectory()
        let writer = try SQLiteStore(path: dir + "/cdr.db")
        let asked = Counter()
        let lookup = StoredProfiles.lookup(capacity: 100, recheck: 3) {
            asked.add()
            return try SQLiteStore(path: dir + "/cdr.db")
        }
        #expect(lookup.profile("+447700900001") == nil)
        try writer.atomically {
            try writer.saveProfiles([
                CallerProfile(key: "+447700900002", day: UTCDay(20_000), minutes: 3, calls: 1),
                CallerProfile(key: "+447700900007", day: UTCDay(20_000), minutes: 3, calls: 2),
            ])
        }
        #expect(lookup.profile("+447700900002") == nil, "still taken for empty until the next check")
        for n in 3...5 { _ = lookup.profile("+44770090000\(n)") }
        #expect(lookup.profile("+447700900006") == nil)
        #expect(lookup.profile("+447700900007")?.dayCalls == 2, "found once the store was seen to hold profiles")
        let fresh = StoredProfiles.lookup(capacity: 100, recheck: 3) { try SQLiteStore(path: dir + "/cdr.db") }
        #expect(fresh.profile("+447700900002")?.dayCalls == 1)
        #expect(asked.value == 1, "one connection for all lookups")
    }
}

extension StoredProfilesLookupTests {
    @Test("lookups share one read snapshot, which a pause or enough lookups end, and the writer goes on meanwhile")
    func sharedSnapshot() throws {
        let dir = try temporaryDirectory()
        let writer = try SQLiteStore(path: dir + "/cdr.db")
        func save(_ key: String, calls: Int64) throws {
            try writer.atomically {
                try writer.saveProfiles([CallerProfile(key: key, day: UTCDay(20_000), minutes: 3, calls: calls)])
            }
        }
        try save("+447700900001", calls: 1)
        let lookup = StoredProfiles.lookup(capacity: 100, recheck: 1_000, snapshotReads: 3) {
            try SQLiteStore(path: dir + "/cdr.db")
        }
        #expect(lookup.profile("+447700900001")?.dayCalls == 1)
        try save("+447700900002", calls: 2)
        try save("+447700900003", calls: 3)
        #expect(lookup.profile("+447700900002") == nil, "saved after the snapshot began")
        lookup.pause()
        #expect(lookup.profile("+447700900003")?.dayCalls == 3, "a new snapshot after the pause")
        try save("+447700900004", calls: 4)
        _ = lookup.profile("+447700900098")
        _ = lookup.profile("+447700900099")
        #expect(lookup.profile("+447700900004")?.dayCalls == 4, "the snapshot ended after three lookups")
    }
}

extension StoredProfilesLookupTests {
    @Test("a job tells detection after each file that the profiles changed; the cache then reads the store again")
    func changesNoted() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/cdr.db"
        try BaselinePersistenceTests.write(dir + "/a.csv", BaselinePersistenceTests.burst(day: 0, count: 3))
        try BaselinePersistenceTests.write(dir + "/b.csv", BaselinePersistenceTests.burst(day: 1, count: 3))
        let lookup = StoredProfiles.lookup(recheck: 1) { try SQLiteStore(path: db) }
        let engine = try FraudEngine(
            rules: FraudRules.defaults(),
            context: DetectorContext(ranges: RiskRanges(), profiles: lookup),
            homeCountryCode: "44"
        )
        let job = try IngestJob(
            into: .sqlite(try SQLiteStore(path: db)),
            options: IngestOptions(),
            rejectsPath: db + ".rejects.jsonl",
            fraud: engine,
            mode: .stream
        )
        #expect(job.run(paths: [dir + "/a.csv", dir + "/b.csv"]).details.map(\.records) == [3, 3])
        #expect(lookup.generation == 2, "one change per file loaded")
        let line = "+447700900555"
        let second = UTCDay(containing: EpochSeconds(BaselinePersistenceTests.day + 86_400))
        #expect(lookup.busyCallers(on: second, minutes: 30, limit: 10) == [line], "30 minutes stored that day")
        #expect(lookup.busyCallers(on: second, minutes: 31, limit: 10) == [])
        #expect(lookup.busyCallers(on: second, minutes: 30, limit: 0) == nil, "more than the limit")
        lookup.pause()
        let before = try #require(lookup.profile(line))
        let writer = try SQLiteStore(path: db)
        var changed = before
        changed.dayCalls += 10
        try writer.atomically { try writer.saveProfiles([changed]) }
        lookup.pause()
        #expect(lookup.profile(line)?.dayCalls == before.dayCalls, "cached")
        lookup.storeChanged()
        #expect(lookup.profile(line)?.dayCalls == before.dayCalls + 10, "read again after the change")
    }
}

/// A thread-safe count.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

@Suite("The population prior")
struct PopulationPriorTests {
    @Test("the quantile of mature numbers' usual minutes, accounts and young numbers apart")
    func quantile() throws {
        let dir = try temporaryDirectory()
        let store = try SQLiteStore(path: dir + "/cdr.db")
        #expect(try store.usualMinutesQuantile(0.5, minDays: 7) == nil)
        var profiles: [CallerProfile] = []
        for n in 1...10 {
            var profile = CallerProfile(key: "+4477009000\(n)", day: UTCDay(100), minutes: Double(n * 10), calls: 1)
            for day in 101...108 { profile.add(day: UTCDay(Int64(day)), minutes: Double(n * 10), calls: 1) }
            profiles.append(profile)
        }
        profiles.append(CallerProfile(key: "+447700900099", day: UTCDay(107), minutes: 5_000, calls: 1))
        var account = profiles[9]
        account.key = "acct:big"
        account.meanMinutes *= 100
        profiles.append(account)
        try store.atomically { try store.saveProfiles(profiles) }
        let median = try #require(try store.usualMinutesQuantile(0.5, minDays: 7))
        #expect(abs(median - 50) < 1e-6, "the 5th of 10 usual values 10…100, \(median)")
        #expect(abs((try store.usualMinutesQuantile(0.99, minDays: 7) ?? 0) - 100) < 1e-6)
        #expect(abs((try store.usualMinutesQuantile(0, minDays: 7) ?? 0) - 10) < 1e-6)
        #expect(try store.usualMinutesQuantile(0.5, minDays: 9) == nil, "8 days of history are not 9")
    }
}

extension StoredProfilesLookupTests {
    @Test("baselines saved in chunks stop at the first failing chunk, and its error comes back")
    func chunkedSaveFails() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteStore(path: dir + "/cdr.db")
        let keys = ["+447700900301", "+447700900302", "+447700900303"]
        try store.atomically {
            try store.saveProfiles(keys.map { CallerProfile(key: $0, day: UTCDay(20_000), minutes: 3, calls: 1) })
        }
        func chunks(_ peak: Double) -> [[SubjectBaseline]] {
            keys.map { [SubjectBaseline(key: $0, day: UTCDay(20_000), concurrency: peak)] }
        }
        try store.saveBaselines { hand in chunks(2).forEach(hand) }
        #expect(try store.baselines(keys: keys).values.map(\.concurrency) == [2, 2, 2])
        try store.connection.execute(
            """
            CREATE TRIGGER refuse BEFORE UPDATE ON baselines WHEN old.key = '+447700900302'
            BEGIN SELECT RAISE(ABORT, 'refused'); END
            """
        )
        #expect(throws: StoreError.self) { try store.saveBaselines { hand in chunks(5).forEach(hand) } }
        let saved = try store.baselines(keys: keys)
        #expect(saved[keys[0]]?.concurrency == 5, "the chunk before the failure is saved")
        #expect(saved[keys[1]]?.concurrency == 2 && saved[keys[2]]?.concurrency == 2, "the rest are let go")
    }
}
