import CDRModel
import CDRSQLite
import CDRStorage
import Foundation

@testable import CDRRetention

/// A fresh database and key directory in a temporary folder.
struct Scratch {
    let directory: String
    let store: SQLiteStore
    let vault: KeyVault

    var db: String { directory + "/cdr.db" }

    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-ret-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory + "/cdr.db")
        vault = try KeyVault(directory: directory + "/cdr.db.keys")
    }

    /// Stores records as one loaded file.
    func load(_ records: [CallRecord]) throws {
        let id = try store.beginFile(
            path: "test-\(UUID().uuidString)",
            size: 1,
            headSHA256: [UInt8](repeating: 0, count: 32),
            sha256: nil,
            dialect: "test"
        )
        var stored: Int64 = 0
        for (index, record) in records.enumerated() {
            var key = RecordKey(high: UInt64(index), low: UInt64(truncatingIfNeeded: record.start))
            key.high ^= UInt64(truncatingIfNeeded: record.calling.hashValue)
            if try store.insert(record, key: key, fileID: id) { stored += 1 }
        }
        try store.foldProfiles(fileID: id)
        try store.finishFile(
            id: id,
            sha256: Array(UUID().uuidString.utf8.prefix(32)),
            size: 1,
            offset: 1,
            line: records.count,
            counts: LoadCounts(stored: stored)
        )
    }

    func retainer(_ policy: RetentionPolicy = RetentionPolicy()) -> Retainer {
        Retainer(store: store, policy: policy, vault: vault, actor: "test")
    }

    /// How often `text` occurs in the raw bytes of the database file and its write-ahead log.
    func occurrences(of text: String) throws -> Int {
        var count = 0
        for path in [db, db + "-wal"] where FileManager.default.fileExists(atPath: path) {
            count += try Data(contentsOf: URL(fileURLWithPath: path)).ranges(of: Data(text.utf8)).count
        }
        return count
    }

    func scalar(_ sql: String) throws -> Int64 {
        let statement = try store.connection.prepare(sql)
        _ = try statement.step()
        return statement.int(0)
    }
}

/// Deterministic traffic: `perDay` calls a day from a pool of `subscribers` callers to a mix of UK mobile,
/// London, premium and French numbers, over `days` days from `start`.
func traffic(start: Int64, days: Int, perDay: Int, subscribers: Int = 40, seed: UInt64 = 7) -> [CallRecord] {
    var state = seed
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    let destinations = ["+4479111", "+4420794", "+4490612", "+336123"]
    var records: [CallRecord] = []
    for day in 0..<days {
        for _ in 0..<perDay {
            let begin = start + Int64(day) * 86_400 + Int64(next() % 86_400)
            let answered = next() % 10 < 7
            let talk = answered ? Int64(next() % 600) : 0
            let ring = Int64(next() % 20)
            let caller = "+4479000" + String(format: "%05d", Int(next() % UInt64(subscribers)))
            let destination = destinations[Int(next() % UInt64(destinations.count))]
            let dialled = destination + String(format: "%05d", Int(next() % 50))
            records.append(
                CallRecord(
                    calling: caller,
                    dialled: dialled,
                    start: begin,
                    answer: answered ? begin + ring : nil,
                    end: begin + ring + talk,
                    duration: ring + talk,
                    billable: talk,
                    disposition: answered ? .answered : (next() % 2 == 0 ? .noAnswer : .busy),
                    carrier: next() % 3 == 0 ? "trunk-b" : "trunk-a",
                    sourceID: "s\(records.count)"
                )
            )
        }
    }
    return records
}

func epoch(_ text: String) -> Int64 { CivilTime.parseISO(text)! }
