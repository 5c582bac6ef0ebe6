import CDRFormats
import CDRFraud
import CDRGenerator
import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRIngest

func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func generate(
    _ path: String,
    rows: Int,
    seed: UInt64,
    format: CallFileWriter.Format = .asterisk,
    gzip: Bool = false,
    extra: [String] = []
) throws {
    let sink = try OutputSink(path: path, gzip: gzip)
    let writer = CallFileWriter(format: format)
    if let header = writer.header { try sink.write(header) }
    for (index, call) in TrafficGenerator(rows: rows, seed: seed, start: 1_767_571_200, days: 2).enumerated() {
        try sink.write(bytes: writer.encode(call, number: index + 1))
        if index == 10 { for line in extra { try sink.write(line) } }
    }
    try sink.close()
}

func ingest(_ db: String, _ paths: [String], options: IngestOptions = IngestOptions()) throws -> IngestSummary {
    let store = try SQLiteStore(path: db)
    return try IngestJob(into: .sqlite(store), options: options, rejectsPath: db + ".rejects.jsonl").run(paths: paths)
}

/// The first column of every row `sql` returns, as text.
func strings(_ db: String, _ sql: String) throws -> [String] {
    let statement = try SQLiteStore(path: db).connection.prepare(sql)
    var values: [String] = []
    while try statement.step() { values.append(statement.text(0)) }
    return values
}

func count(_ db: String, _ sql: String) throws -> Int64 {
    let statement = try SQLiteStore(path: db).connection.prepare(sql)
    _ = try statement.step()
    return statement.int(0)
}

@Suite("Ingest")
struct IngestJobTests {
    @Test("a generated file loads completely; loading it again stores nothing")
    func loadAndReload() throws {
        let dir = try temporaryDirectory()
        try generate(dir + "/a.csv", rows: 3000, seed: 11)
        let first = try ingest(dir + "/cdr.db", [dir + "/a.csv"])
        #expect(first.records == 3000 && first.rejected == 0 && first.duplicates == 0 && first.exitCode == 0)
        let again = try ingest(dir + "/cdr.db", [dir + "/a.csv"])
        #expect(again.records == 0 && again.skippedFiles == 1)
        #expect(try count(dir + "/cdr.db", "SELECT count(*) FROM records") == 3000)
    }

    @Test("the same records in another file (a copy with one extra row) are counted as duplicates")
    func crossFileDuplicates() throws {
        let dir = try temporaryDirectory()
        try generate(dir + "/a.csv", rows: 500, seed: 12)
        var copy = try String(contentsOfFile: dir + "/a.csv", encoding: .utf8)
        copy +=
            copy.split(separator: "\n").last.map {
                $0.replacingOccurrences(of: "\",\"Dial\",", with: "\",\"Dial2\",") + "\n"
            }
            ?? ""
        try copy.write(toFile: dir + "/b.csv", atomically: true, encoding: .utf8)
        let summary = try ingest(dir + "/cdr.db", [dir])
        #expect(summary.records == 501 && summary.duplicates == 500)
    }

    @Test("gzip input loads the same records as plain")
    func gzip() throws {
        let dir = try temporaryDirectory()
        try generate(dir + "/a.csv.gz", rows: 2000, seed: 13, gzip: true)
        try generate(dir + "/a.csv", rows: 2000, seed: 13)
        let summary = try ingest(dir + "/cdr.db", [dir + "/a.csv.gz", dir + "/a.csv"])
        #expect(summary.details.map(\.records) == [2000, 0])
        #expect(summary.details[1].duplicates == 2000)
    }

    @Test("a truncated gzip fails with its name and commits nothing; other files still load")
    func truncatedGzip() throws {
        let dir = try temporaryDirectory()
        try generate(dir + "/a.csv.gz", rows: 20_000, seed: 14, gzip: true)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.csv.gz"))
        try data.prefix(data.count * 2 / 3).write(to: URL(fileURLWithPath: dir + "/cut.csv.gz"))
        try FileManager.default.removeItem(atPath: dir + "/a.csv.gz")
        try generate(dir + "/good.csv", rows: 100, seed: 15)
        var options = IngestOptions()
        options.checkpointEvery = 1000
        let summary = try ingest(dir + "/cdr.db", [dir], options: options)
        #expect(summary.failedFiles.count == 1)
        #expect(summary.failedFiles.first?.path.hasSuffix("cut.csv.gz") == true)
        #expect(summary.failedFiles.first?.reason?.contains("truncated gzip") == true)
        #expect(summary.records == 100 && summary.exitCode == 1)
        #expect(try count(dir + "/cdr.db", "SELECT count(*) FROM records") == 100)
        let failed = try SQLiteStore(path: dir + "/cdr.db").files().first { $0.path.hasSuffix("cut.csv.gz") }
        #expect(failed?.status == .failed && failed?.counts == LoadCounts())
    }

    @Test("malformed rows land in the rejects file with file, line, field and raw bytes")
    func rejectsFile() throws {
        let dir = try temporaryDirectory()
        let broken = [
            "\"\",\"07700900123\",\"+999123456\",\"c\",\"x\",\"SIP/a-1\",\"\",\"Dial\",\"\",\"2026-01-05 10:00:00\",,\"2026-01-05 10:00:05\",5,0,\"NO ANSWER\",\"DOCUMENTATION\",\"1.1\",\"\"\n",
            "garbage line\n",
        ]
        try generate(dir + "/a.csv", rows: 50, seed: 16, extra: broken)
        let summary = try ingest(dir + "/cdr.db", [dir + "/a.csv"])
        #expect(summary.records == 50 && summary.rejected == 2 && summary.exitCode == 1)
        let lines = try String(contentsOfFile: dir + "/cdr.db.rejects.jsonl", encoding: .utf8).split(separator: "\n")
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.map { $0["line"] as? Int } == [12, 13])
        #expect(objects.map { $0["field"] as? String } == ["dst", "record"])
        #expect(objects[1]["raw"] as? String == "garbage line")
        #expect(objects[0]["file"] as? String == dir + "/a.csv")
        let mode =
            try FileManager.default.attributesOfItem(atPath: dir + "/cdr.db.rejects.jsonl")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("a mapped operator CSV round-trips: generated, ingested, read back with every field")
    func mappedRoundTrip() throws {
        let dir = try temporaryDirectory()
        try generate(dir + "/op.csv", rows: 400, seed: 17, format: .mapped)
        var options = IngestOptions()
        options.mapping = try MappingFile.load(path: Self.fixture("operator-mapping.json"))
        options.format = .mapped
        let summary = try ingest(dir + "/cdr.db", [dir + "/op.csv"], options: options)
        #expect(summary.records == 400 && summary.rejected == 0)
        let calls = Array(TrafficGenerator(rows: 400, seed: 17, start: 1_767_571_200, days: 2))
        let normaliser = NumberNormaliser(plan: NumberPlan())
        let store = try SQLiteStore(path: dir + "/cdr.db")
        for call in calls.prefix(25) {
            let caller = try normaliser.normalise(call.source).number
            let stored = try store.records(number: caller).first { $0.record.sourceID == call.uniqueID }
            let r = try #require(stored?.record)
            #expect(r.dialled == (try normaliser.normalise(call.destination).number))
            #expect(r.diverting == (try call.diverting.map { [try normaliser.normalise($0).number] } ?? []))
            #expect(r.start == call.start && r.answer == call.answer && r.end == call.end)
            #expect(r.disposition == call.disposition && r.duration == call.end - call.start)
        }
        #expect(
            try count(dir + "/cdr.db", "SELECT count(*) FROM diversions")
                == Int64(calls.filter { $0.diverting != nil }.count)
        )
    }

    @Test("the corpus Asterisk files load with the expected counts, twice loading nothing new")
    func corpus() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus").path
        guard FileManager.default.fileExists(atPath: root) else {
            print("skipped: ../shared/corpus is absent")
            return
        }
        let dir = try temporaryDirectory()
        let files = [
            root + "/asterisk-cdr-csv/BugaDM-TelephonySwitching_Master.csv",
            root + "/asterisk-cdr-custom/KelySaina-cdr_Master.csv",
        ]
        let first = try ingest(dir + "/cdr.db", files)
        #expect(first.details.filter { $0.status == .loaded }.map(\.records).reduce(0, +) + first.duplicates == 119)
        #expect(first.rejected == 0)
        #expect(try profilesDisagreeingWithRecords(dir + "/cdr.db") == 0, "profiles of real switch files")
        #expect(try count(dir + "/cdr.db", "SELECT count(*) FROM profiles") > 0)
        try expectSketchesHoldTheirWeight(dir + "/cdr.db")
        let again = try ingest(dir + "/cdr.db", files)
        #expect(again.records == 0)
        let store = try SQLiteStore(path: dir + "/cdr.db")
        let stored = try count(dir + "/cdr.db", "SELECT count(*) FROM records")
        let engine = try FraudEngine(
            rules: FraudRules.defaults(),
            context: DetectorContext(ranges: RiskRanges()),
            homeCountryCode: "44"
        )
        let pass = try DetectionPass(engine: engine).run(store: store)
        #expect(pass.observed == stored, "real records read back on the scanning thread, each once")
        var busyDays = 0
        for day in try strings(dir + "/cdr.db", "SELECT DISTINCT last_day FROM profiles") {
            let fromRecords = try strings(
                dir + "/cdr.db",
                """
                SELECT r.calling FROM records r JOIN profiles p ON p.key = r.calling AND p.last_day = r.day
                WHERE r.day = \(day) AND r.leg IN (0, 1) GROUP BY r.calling HAVING sum(r.billsec) >= 120
                """
            )
            let found = try #require(try store.keys(busyOn: UTCDay(Int64(day)!), minutes: 2, limit: 1_000))
            #expect(Set(found.filter { !$0.hasPrefix("acct:") }) == Set(fromRecords), "day \(day)")
            if !fromRecords.isEmpty { busyDays += 1 }
        }
        #expect(busyDays > 0, "some real caller had two answered minutes on its last day")
        var staging = IngestOptions()
        staging.usageBufferKeys = 5
        staging.batchSize = 16
        let staged = try ingest(dir + "/staged.db", files, options: staging)
        #expect(staged.rejected == 0 && staged.records == first.records)
        #expect(
            try profilesDisagreeingWithRecords(dir + "/staged.db") == 0,
            "real files' usage staged in the store, then sorted and folded with the small cache"
        )
    }

    /// Every stored profile with a closed day has both sketches, each holding the means' weight.
    func expectSketchesHoldTheirWeight(_ db: String) throws {
        let store = try SQLiteStore(path: db)
        let statement = try store.connection.prepare("SELECT key FROM profiles")
        var keys: [String] = []
        while try statement.step() { keys.append(statement.text(0)) }
        var closed = 0
        for profile in try store.profiles(keys: keys).values where profile.weight > 0 {
            closed += 1
            #expect(profile.sketch.count == CallerProfile.sketchBounds.count, "\(profile.key)")
            #expect(profile.callSketch.count == CallerProfile.callSketchBounds.count, "\(profile.key)")
            for sketch in [profile.sketch, profile.callSketch] {
                #expect(abs(Double(sketch.reduce(0, +)) - profile.weight) < 1e-4, "\(profile.key): \(sketch)")
            }
        }
        #expect(closed > 0, "real switch files span more than one day per caller")
    }

    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("fixtures/\(name)").path
    }
}

@Suite("Resuming interrupted loads")
struct ResumeTests {
    /// Turns a finished load back into an interrupted one whose last checkpoint read `prefixBytes`.
    func interrupt(_ db: String, prefixBytes: Int64, prefixSHA256: [UInt8]) throws {
        let store = try SQLiteStore(path: db)
        let statement = try store.connection.prepare(
            "UPDATE files SET status = 'loading', sha256 = NULL, resume_offset = 0, resume_line = 1, records = 0, prefix_bytes = ?, prefix_sha256 = ?"
        )
        statement.bind(1, prefixBytes)
        prefixSHA256.withUnsafeBytes { statement.bind(2, blob: $0) }
        try statement.step()
    }

    @Test("an interrupted load resumes only when the file's prefix hashes the same")
    func prefixMustMatch() throws {
        let dir = try temporaryDirectory()
        try generate(dir + "/a.csv", rows: 300, seed: 31)
        let db = dir + "/cdr.db"
        _ = try ingest(db, [dir + "/a.csv"])
        let prefix = try HashingSource<FileSource>.sha256(path: dir + "/a.csv", limit: 1000)
        try interrupt(db, prefixBytes: 1000, prefixSHA256: prefix)
        let resumed = try ingest(db, [dir + "/a.csv"])
        #expect(resumed.details.first?.status == .resumed)
        #expect(resumed.duplicates == 300)
        try interrupt(db, prefixBytes: 1000, prefixSHA256: Array(repeating: 0, count: 32))
        let fresh = try ingest(db, [dir + "/a.csv"])
        #expect(fresh.details.first?.status == .loaded)
        #expect(try count(db, "SELECT count(*) FROM records") == 300)
    }
}

@Suite("Skipped files")
struct SkippedFileTests {
    @Test("a CUCM CMR file is skipped with its reason, stores nothing, and is not a failure")
    func cmr() throws {
        let dir = try temporaryDirectory()
        let cmr =
            #""cdrRecordType","globalCallID_callManagerId","globalCallID_callId","nodeId","directoryNum","#
            + #""callIdentifier","dateTimeStamp","numberPacketsSent","numberOctetsSent","varVQMetrics""# + "\n"
            + "INTEGER,INTEGER,INTEGER,INTEGER,VARCHAR(50),INTEGER,INTEGER,INTEGER,INTEGER,VARCHAR(600)\n"
            + #"2,1,77,1,"100",5,1767607203,100,1000,"MLQK=4.5""# + "\n"
        try cmr.write(toFile: dir + "/cmr_cluster_node_202601050000_1", atomically: true, encoding: .utf8)
        let summary = try ingest(dir + "/cdr.db", [dir + "/cmr_cluster_node_202601050000_1"])
        #expect(summary.skippedFiles == 1 && summary.failedFiles.isEmpty && summary.exitCode == 0)
        #expect(summary.details.first?.reason?.contains("CMR") == true)
        #expect(try count(dir + "/cdr.db", "SELECT count(*) FROM files") == 0)
    }
}

@Suite("Registry identity")
struct RegistryIdentityTests {
    @Test("a file whose reader stops early still gets its whole-file SHA-256 and is skipped when loaded again")
    func hashCoversTheWholeFile() throws {
        let dir = try temporaryDirectory()
        let fixture = URL(fileURLWithPath: IngestJobTests.fixture("ber/cs-records.ber"))
        var bytes = try Data(contentsOf: fixture)
        bytes.append(contentsOf: [0xA0, 0x84, 0x7F, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0x55, count: 3_000_000))
        try bytes.write(to: URL(fileURLWithPath: dir + "/msc.ber"))
        let first = try ingest(dir + "/cdr.db", [dir + "/msc.ber"])
        #expect(first.records == 30 && first.rejected == 1)
        let stored = try SQLiteStore(path: dir + "/cdr.db").files().first?.sha256
        #expect(stored == (try HashingSource<FileSource>.sha256(path: dir + "/msc.ber")))
        #expect(try ingest(dir + "/cdr.db", [dir + "/msc.ber"]).skippedFiles == 1)
    }
}
