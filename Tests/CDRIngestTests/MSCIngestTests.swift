import CDRFormats
import CDRGenerator
import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRIngest

@Suite("Loading MSC CallEventDataFiles")
struct MSCIngestTests {
    /// Writes `rows` generated calls as one MSC file whose trailer counts `trailerCount` records (the true
    /// count unless given), leaving out the records numbered in `cut`; returns the end offset of each record.
    @discardableResult
    static func writeMSCFile(_ path: String, rows: Int, trailerCount: Int? = nil, cut: Set<Int> = []) throws -> [Int] {
        let calls = Array(TrafficGenerator(rows: rows, seed: 5, start: 1_767_571_200, days: 1))
        var records: [[UInt8]] = []
        for (index, call) in calls.enumerated() where !cut.contains(index + 1) {
            records.append(BERWriter.record(call, number: index + 1))
        }
        let frame = BERWriter.callEventDataFile(
            recordBytes: records.map(\.count).reduce(0, +),
            records: trailerCount ?? records.count,
            firstCall: calls.map(\.start).min()!,
            lastCall: calls.map(\.start).max()!,
            produced: 1_767_657_600
        )
        var bytes = frame.head
        var ends: [Int] = []
        for record in records {
            bytes += record
            ends.append(bytes.count)
        }
        bytes += frame.tail
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return ends
    }

    @Test("an MSC file loads whole, its trailer agreeing; the files registry says it is complete")
    func loads() throws {
        let dir = try temporaryDirectory()
        try Self.writeMSCFile(dir + "/msc.dat", rows: 500)
        let summary = try ingest(dir + "/cdr.db", [dir + "/msc.dat"])
        #expect(summary.records == 500 && summary.rejected == 0 && summary.exitCode == 0)
        #expect(summary.details.first?.dialect == "msc-ber")
        #expect(summary.incompleteFiles.isEmpty)
        let entry = try SQLiteStore(path: dir + "/cdr.db").files().first
        #expect(entry?.incomplete == nil && entry?.counts.stored == 500)
    }

    @Test("a file whose trailer counts a record it does not hold is loaded but reported incomplete, and exits 1")
    func incomplete() throws {
        let dir = try temporaryDirectory()
        try Self.writeMSCFile(dir + "/msc.dat", rows: 300, trailerCount: 300, cut: [150])
        let summary = try ingest(dir + "/cdr.db", [dir + "/msc.dat"])
        #expect(summary.records == 299)
        #expect(summary.exitCode == 1)
        let reason = "CallEventDataFile 1: the trailer counts 300 records, the file holds 299"
        #expect(summary.incompleteFiles.map(\.incomplete) == [reason])
        #expect(try SQLiteStore(path: dir + "/cdr.db").files().first?.incomplete == reason)
        let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        #expect(json.contains("\"incomplete_files\"") && json.contains("the trailer counts 300 records"))
    }

    @Test("an interrupted MSC load resumes inside the record list and still checks the whole file's trailer")
    func resumes() throws {
        let dir = try temporaryDirectory()
        let db = dir + "/cdr.db"
        let ends = try Self.writeMSCFile(dir + "/msc.dat", rows: 400)
        _ = try ingest(db, [dir + "/msc.dat"])
        let store = try SQLiteStore(path: db)
        let kept = 250
        for month in try store.partitionMonths() {
            try store.connection.execute("DELETE FROM \(SQLiteStore.partitionName(month: month)) WHERE line > \(kept)")
        }
        let prefix = try HashingSource<FileSource>.sha256(path: dir + "/msc.dat", limit: 1000)
        let statement = try store.connection.prepare(
            """
            UPDATE files SET status = 'loading', sha256 = NULL, resume_offset = ?, resume_line = ?, records = ?,
                prefix_bytes = 1000, prefix_sha256 = ?
            """
        )
        statement.bind(1, Int64(ends[kept - 1]))
        statement.bind(2, Int64(kept + 1))
        statement.bind(3, Int64(kept))
        prefix.withUnsafeBytes { statement.bind(4, blob: $0) }
        try statement.step()
        let resumed = try ingest(db, [dir + "/msc.dat"])
        #expect(resumed.details.first?.status == .resumed)
        #expect(resumed.records == 150 && resumed.duplicates == 0 && resumed.rejected == 0)
        #expect(resumed.incompleteFiles.isEmpty)
        #expect(try count(db, "SELECT count(*) FROM records") == 400)
        #expect(try count(db, "SELECT count(DISTINCT line) FROM records") == 400)
    }
}

@Suite("Hostile input: bounded rejects")
struct HostileInputTests {
    @Test("a file of a few rows then megabytes without a line break keeps the rows and small rejects")
    func zerosAfterRows() throws {
        let dir = try temporaryDirectory()
        try generate(dir + "/good.csv", rows: 3, seed: 8)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/good.csv")))
        bytes += [UInt8](repeating: 0, count: 6 << 20)
        let sink = try OutputSink(path: dir + "/bomb.csv.gz", gzip: true)
        try sink.write(bytes: bytes)
        try sink.close()
        let summary = try ingest(dir + "/cdr.db", [dir + "/bomb.csv.gz"])
        #expect(summary.records == 3)
        #expect(summary.rejected >= 1)
        let rejects = try Data(contentsOf: URL(fileURLWithPath: dir + "/cdr.db.rejects.jsonl"))
        #expect(rejects.count < Int(summary.rejected) * 100_000)
        let first = try JSONSerialization.jsonObject(with: rejects.split(separator: 0x0A)[0]) as? [String: Any]
        #expect(
            (first?["reason"] as? String)?.contains("\(6 << 20) bytes skipped") == true,
            "\(String(describing: first))"
        )
        #expect(summary.rejected == 1)
        #expect(first?["raw_base64"] != nil)
    }
}

@Suite("Input folders with more than files")
struct SpecialFileTests {
    @Test("a FIFO in an input folder is skipped without being opened, and the files after it load")
    func fifoSkipped() throws {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        try generate(dir + "/in/a.csv", rows: 20, seed: 1)
        #expect(mkfifo(dir + "/in/b.pipe", 0o600) == 0)
        try generate(dir + "/in/c.csv", rows: 30, seed: 2)
        let summary = try ingest(dir + "/cdr.db", [dir + "/in"])
        #expect(summary.records == 50)
        let pipe = summary.details.first { $0.path.hasSuffix("b.pipe") }
        #expect(pipe?.status == .skipped && pipe?.reason?.contains("not a regular file") == true)
    }
}

@Suite("Files as operators hand them over")
struct HandedOverFileTests {
    @Test("an Asterisk Master.csv saved with a UTF-8 byte order mark loads every record")
    func byteOrderMark() throws {
        let dir = try temporaryDirectory()
        try generate(dir + "/a.csv", rows: 50, seed: 4)
        let plain = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.csv"))
        try (Data([0xEF, 0xBB, 0xBF]) + plain).write(to: URL(fileURLWithPath: dir + "/bom.csv"))
        let summary = try ingest(dir + "/cdr.db", [dir + "/bom.csv"])
        #expect(summary.records == 50 && summary.rejected == 0)
        #expect(summary.details.first?.dialect == "asterisk")
    }

    @Test("a rejects file that already existed readable by others is made private before rejects go in")
    func rejectsMode() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/cdr.db.rejects.jsonl"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o644]))
        try generate(dir + "/a.csv", rows: 10, seed: 3, extra: ["not,a,cdr\n"])
        _ = try ingest(dir + "/cdr.db", [dir + "/a.csv"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
