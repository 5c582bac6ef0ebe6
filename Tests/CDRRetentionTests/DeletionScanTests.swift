import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRRetention

@Suite("Deletion leaves nothing: every deleted number, not a sample")
struct DeletionScanTests {
    /// The numbers of `wanted` found anywhere in the database file and its log (each 13 bytes, `+44`…).
    func survivors(_ scratch: Scratch, among wanted: Set<String>) throws -> Set<String> {
        var found = Set<String>()
        for path in [scratch.db, scratch.db + "-wal"] where FileManager.default.fileExists(atPath: path) {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            var i = 0
            while i + 13 <= bytes.count {
                if bytes[i] == UInt8(ascii: "+"), bytes[i + 1] == UInt8(ascii: "4"), bytes[i + 2] == UInt8(ascii: "4") {
                    let candidate = String(decoding: bytes[i..<(i + 13)], as: UTF8.self)
                    if wanted.contains(candidate) { found.insert(candidate) }
                }
                i += 1
            }
        }
        return found
    }

    @Test("numbers that recur: every number seen only in rolled-up records is gone, over months and a mid-month cut")
    func recurringNumbers() throws {
        let scratch = try Scratch()
        var state: UInt64 = 99
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var records: [CallRecord] = []
        let start = epoch("2025-01-01")
        for index in 0..<120_000 {
            let at = start + Int64(index) * 65 + Int64(next() % 60)
            let caller = "+4477009" + String(format: "%05d", Int(next() % 40_000))
            let callee = "+4420794" + String(format: "%05d", Int(next() % 60_000))
            records.append(
                CallRecord(
                    calling: caller,
                    dialled: callee,
                    diverting: next() % 50 == 0 ? ["+4479110" + String(format: "%05d", Int(next() % 9_000))] : [],
                    start: at,
                    answer: at + 4,
                    end: at + 64 + Int64(next() % 600),
                    duration: 64,
                    billable: 60,
                    disposition: .answered,
                    carrier: "trunk-\(next() % 7)",
                    sourceID: "s\(index)"
                )
            )
            records[index].duration = records[index].end - at
            records[index].billable = records[index].end - at - 4
        }
        try scratch.load(records)
        let asOf = epoch("2025-08-17T06:00:00Z")
        let cutoff = scratch.retainer().recordCutoff(asOf: asOf)
        func parties(_ r: CallRecord) -> [String] { [r.calling, r.dialled] + r.diverting }
        let kept = Set(records.filter { $0.start >= cutoff }.flatMap(parties))
        let deleted = Set(records.filter { $0.start < cutoff }.flatMap(parties)).subtracting(kept)
        #expect(deleted.count > 1_000)
        _ = try scratch.retainer().run(asOf: asOf)
        let left = try survivors(scratch, among: deleted)
        #expect(
            left.isEmpty,
            "\(left.count) of \(deleted.count) deleted numbers still in the file, e.g. \(left.sorted().prefix(3))"
        )
    }

    @Test("after a mid-month cut-off, no number that only appeared in rolled-up records is in the file")
    func everyDeletedNumber() throws {
        let scratch = try Scratch()
        var records: [CallRecord] = []
        let start = epoch("2025-01-01")
        for index in 0..<24_000 {
            let at = start + Int64(index) * 100
            records.append(
                CallRecord(
                    calling: "+4477009" + String(format: "%05d", index),
                    dialled: "+4420794" + String(format: "%05d", index % 3000),
                    start: at,
                    answer: at + 4,
                    end: at + 64,
                    duration: 64,
                    billable: 60,
                    disposition: .answered,
                    carrier: "trunk-a",
                    sourceID: "s\(index)"
                )
            )
        }
        try scratch.load(records)
        let asOf = epoch("2025-07-15T00:00:00Z")
        let cutoff = scratch.retainer().recordCutoff(asOf: asOf)
        let deleted = Set(records.filter { $0.start < cutoff }.map(\.calling))
        #expect(deleted.count > 10_000 && deleted.count < records.count)
        try scratch.store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        #expect(try survivors(scratch, among: deleted).count == deleted.count)
        _ = try scratch.retainer().run(asOf: asOf)
        #expect(try scratch.scalar("SELECT count(*) FROM records") == Int64(records.count - deleted.count))
        let left = try survivors(scratch, among: deleted)
        #expect(left.isEmpty, "\(left.count) deleted numbers still in the file, e.g. \(left.sorted().prefix(3))")
    }
}
