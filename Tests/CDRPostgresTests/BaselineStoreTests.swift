import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRPostgres

/// Detector baselines kept alike by both stores: partial updates merge, a key without a profile is not
/// stored, and erasure and expiry take them with the profiles.
@Suite("detector baselines in SQLite and PostgreSQL", .serialized)
struct BaselineStoreTests {
    /// Runs the same steps on `store` and returns what it read back after each.
    func exercise(_ store: any ProfileStore) throws -> [[String: SubjectBaseline]] {
        let keys = ["+447700900001", "acct:201", "+447700900002"]
        try store.saveProfiles(keys.prefix(2).map { CallerProfile(key: $0, day: UTCDay(20_500), minutes: 3, calls: 2) })
        try store.saveBaselines([
            SubjectBaseline(key: keys[0], day: UTCDay(20_500), concurrency: 3),
            SubjectBaseline(key: keys[1], day: UTCDay(20_501), offHours: 4, burst: 2, countries: ["FJ", "NG"]),
            SubjectBaseline(key: keys[2], day: UTCDay(20_501), concurrency: 9),
        ])
        let first = try store.baselines(keys: keys)
        try store.saveBaselines([
            SubjectBaseline(key: keys[0], day: UTCDay(20_499), countries: ["FR"]),
            SubjectBaseline(key: keys[1], day: UTCDay(20_510), offHours: 5),
        ])
        let second = try store.baselines(keys: keys)
        _ = try store.deleteProfiles(keys: [keys[0]])
        let erased = try store.baselines(keys: keys)
        _ = try store.deleteProfiles(lastSeenBefore: UTCDay(20_511))
        let expired = try store.baselines(keys: keys)
        return [first, second, erased, expired]
    }

    @Test("partial updates merge, keys without a profile are skipped, erasure and expiry remove them")
    func sameInBoth() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-base-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sqlite = try exercise(try SQLiteStore(path: folder + "/cdr.db"))
        let (first, second, erased, expired) = (sqlite[0], sqlite[1], sqlite[2], sqlite[3])
        #expect(first.count == 2 && first["+447700900002"] == nil, "no profile, no baseline")
        #expect(first["acct:201"]?.countries == ["FJ", "NG"] && first["acct:201"]?.concurrency == nil)
        #expect(
            second["+447700900001"]
                == SubjectBaseline(key: "+447700900001", day: UTCDay(20_500), concurrency: 3, countries: ["FR"])
        )
        #expect(
            second["acct:201"]
                == SubjectBaseline(
                    key: "acct:201",
                    day: UTCDay(20_510),
                    offHours: 5,
                    burst: 2,
                    countries: ["FJ", "NG"]
                )
        )
        #expect(erased.keys.sorted() == ["acct:201"])
        #expect(expired.isEmpty)
        guard let scratch = try PostgresScratch() else { return }
        #expect(try exercise(try scratch.store()) == sqlite)
    }
}
