import CDRFraud
import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRGenerator
@testable import CDRIngest

@Suite("Detection modes")
struct DetectionModeTests {
    /// 2026-01-05 00:00 UTC, the day the background traffic starts.
    static let day: Int64 = 1_767_571_200

    /// A Wangiri sweep of `targets` one-ring calls from one Nigerian number, from `first` on, a call a minute.
    static func sweep(targets: Range<Int>, at first: Int64) -> [GeneratedCall] {
        targets.map { n in
            let begin = first + Int64(n) * 60
            return GeneratedCall(
                source: "002348012345678",
                destination: "07700\(String(format: "%06d", 100_000 + n))",
                diverting: nil,
                start: begin,
                answer: nil,
                end: begin + 2,
                disposition: .noAnswer,
                channel: "SIP/intl-in-\(n)",
                destinationChannel: "SIP/core-\(n)",
                account: "",
                uniqueID: "sweep.\(n)"
            )
        }
    }

    /// Writes background traffic of two days with `extra` calls merged in start order.
    static func write(_ path: String, seed: UInt64, extra: [GeneratedCall]) throws {
        let calls = (Array(TrafficGenerator(rows: 3000, seed: seed, start: day, days: 2)) + extra).sorted {
            $0.end < $1.end
        }
        let sink = try OutputSink(path: path, gzip: false)
        let writer = CallFileWriter(format: .asterisk)
        for (index, call) in calls.enumerated() { try sink.write(bytes: writer.encode(call, number: index + 1)) }
        try sink.close()
    }

    static func engine() throws -> FraudEngine {
        try FraudEngine(
            rules: FraudRules.defaults(),
            context: DetectorContext(ranges: RiskRanges()),
            homeCountryCode: "44"
        )
    }

    /// Loads `paths` into a new database at `db` with the default rules.
    static func load(_ db: String, _ paths: [String], mode: DetectionMode = .stream) throws -> IngestSummary {
        try IngestJob(
            into: .sqlite(try SQLiteStore(path: db)),
            options: IngestOptions(),
            rejectsPath: db + ".rejects.jsonl",
            fraud: try engine(),
            mode: mode
        ).run(paths: paths)
    }

    static func wangiriAlerts(_ db: String) throws -> [AlertRow] {
        try SQLiteStore(path: db).alerts().filter {
            $0.detector == "wangiri"
        }
    }

    @Test("two switches' files covering the same hours, detected after the run, alert as one merged file does")
    func afterRunMatchesMergedFile() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = Self.sweep(targets: 0..<20, at: Self.day + 10 * 3600)
        let second = Self.sweep(targets: 20..<40, at: Self.day + 10 * 3600 + 30)
        try Self.write(folder + "/switch-a.csv", seed: 11, extra: first)
        try Self.write(folder + "/switch-b.csv", seed: 12, extra: second)
        try Self.write(folder + "/merged.csv", seed: 11, extra: first + second)

        let split = folder + "/split.db"
        let summary = try Self.load(split, [folder + "/switch-a.csv", folder + "/switch-b.csv"], mode: .afterRun)
        #expect(summary.fraudObserved == summary.records)
        #expect(summary.lateRecords == 0)
        let splitAlerts = try Self.wangiriAlerts(split)
        #expect(splitAlerts.count == 1)
        let evidence = Set(splitAlerts.first?.evidence ?? [])
        let files = try SQLiteStore(path: split).connection.prepare(
            "SELECT count(DISTINCT file_id) FROM records WHERE calling = '+2348012345678'"
        )
        _ = try files.step()
        #expect(files.int(0) == 2)
        #expect(evidence.count == Alert.evidenceLimit)

        let merged = folder + "/merged.db"
        _ = try Self.load(merged, [folder + "/merged.csv"])
        let mergedAlerts = try Self.wangiriAlerts(merged)
        let streamed = folder + "/streamed.db"
        let streamSummary = try Self.load(streamed, [folder + "/switch-a.csv", folder + "/switch-b.csv"])
        #expect(streamSummary.lateRecords > 0)
        #expect(mergedAlerts.map(\.id) == splitAlerts.map(\.id))
        #expect(mergedAlerts.map(\.severity) == splitAlerts.map(\.severity))
    }

    @Test("detecting a stored run again stores no alert twice")
    func detectAgainRepeatsNothing() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write(folder + "/switch.csv", seed: 13, extra: Self.sweep(targets: 0..<40, at: Self.day + 3600))
        let db = folder + "/cdr.db"
        let summary = try Self.load(db, [folder + "/switch.csv"])
        #expect(!summary.alertIDs.isEmpty)
        let again = try DetectionPass(engine: try Self.engine()).run(store: try SQLiteStore(path: db))
        #expect(again.observed == summary.records)
        #expect(again.alertIDs.isEmpty)
    }
}
