import CDRIngest
import CDRSQLite
import CDRStorage
import Foundation
import Synchronization
import Testing

@testable import CDRService

/// The collector's log lines, kept for the test to read.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

@Suite("The collector", .serialized)
struct CollectorTests {
    static func line(_ index: Int) -> String {
        #""","07700900461","0163296\#(String(format: "%04d", index))","default","07700900461","SIP/a","SIP/b","Dial","x","#
            + #""2026-11-02 09:00:00","2026-11-02 09:00:05","2026-11-02 09:01:05",65,60,"ANSWERED","DOCUMENTATION","u\#(index)","""#
            + "\n"
    }

    /// A collector over one source in a fresh folder, with its job's database and log.
    static func collector(_ configure: (inout FolderSource) -> Void) throws -> (Collector, String, String, LogLines) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cdr-collect-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        var source = FolderSource(name: "s", folder: dir + "/in")
        configure(&source)
        let db = dir + "/cdr.db"
        let job = try IngestJob(
            into: .sqlite(try SQLiteStore(path: db)),
            options: IngestOptions(),
            rejectsPath: db + ".r"
        )
        let lines = LogLines()
        let collector = Collector(
            job: job,
            sources: [source],
            options: ["s": IngestOptions()],
            settings: .init(pollSeconds: 0.05, quietSeconds: 1, reorderSeconds: 0),
            alerts: { _ in },
            tick: {},
            log: { line in lines.append(line) }
        )
        return (collector, dir, db, lines)
    }

    static func stored(_ db: String) throws -> Int64 { try SQLiteStore(path: db).counters().stored }

    static func wait(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    @Test("hundreds of small files dropped at once, and more while they load, are each loaded once")
    func manySmallFiles() throws {
        let (collector, dir, db, _) = try Self.collector { $0.complete = .rename }
        func drop(_ range: Range<Int>) throws {
            for index in range {
                try Self.line(index).write(toFile: dir + "/in/f\(index).csv.tmp", atomically: false, encoding: .utf8)
                try FileManager.default.moveItem(
                    atPath: dir + "/in/f\(index).csv.tmp",
                    toPath: dir + "/in/f\(index).csv"
                )
            }
        }
        try drop(0..<150)
        #expect(try Self.wait(20) { try Self.stored(db) > 0 })
        try drop(150..<300)
        #expect(try Self.wait(60) { try Self.stored(db) == 300 })
        collector.stop()
        let processed = try FileManager.default.contentsOfDirectory(atPath: dir + "/in/processed")
        #expect(processed.count == 300)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/in").sorted() == ["processed"])
        #expect(collector.status.first?.loaded == 300 && collector.status.first?.records == 300)
    }

    @Test("a file left in place and rewritten with more records is loaded again, the old ones as duplicates")
    func rewrittenFile() throws {
        let (collector, dir, db, lines) = try Self.collector {
            $0.complete = .rename
            $0.after = .leave
        }
        try Self.line(1).write(toFile: dir + "/in/day.csv", atomically: true, encoding: .utf8)
        #expect(try Self.wait(20) { try Self.stored(db) == 1 })
        usleep(300_000)
        #expect(lines.all.count == 1, "left in place, not read again: \(lines.all)")
        try (Self.line(1) + Self.line(2)).write(toFile: dir + "/in/day.csv", atomically: true, encoding: .utf8)
        #expect(try Self.wait(20) { try Self.stored(db) == 2 })
        collector.stop()
        #expect(lines.all.last?.contains("loaded, 1 records, 1 duplicates") == true, "\(lines.all)")
        #expect(FileManager.default.fileExists(atPath: dir + "/in/day.csv"))
    }

    @Test("a file that vanishes before it is read is reported and nothing is stored for it")
    func vanishingFile() throws {
        let (collector, dir, db, lines) = try Self.collector { $0.settleSeconds = 0.3 }
        try Self.line(1).write(toFile: dir + "/in/gone.csv", atomically: true, encoding: .utf8)
        usleep(100_000)
        try FileManager.default.removeItem(atPath: dir + "/in/gone.csv")
        try Self.line(2).write(toFile: dir + "/in/kept.csv", atomically: true, encoding: .utf8)
        #expect(try Self.wait(20) { try Self.stored(db) == 1 })
        collector.stop()
        #expect(!lines.all.contains { $0.contains("gone.csv") && $0.contains("loaded") })
        #expect(!FileManager.default.fileExists(atPath: dir + "/in/failed/gone.csv"))
    }
}
