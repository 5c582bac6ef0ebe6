import CDRFraud
import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRGenerator
@testable import CDRIngest

/// Baselines outlive the process that learnt them: a later run meets a subject with its habits known.
@Suite("Detector baselines across runs")
struct BaselinePersistenceTests {
    /// 2026-01-05 00:00 UTC.
    static let day: Int64 = 1_767_571_200

    /// `count` overlapping ten-minute calls from one line at 10:00 on `day` (days after ``day``).
    static func burst(day: Int64, count: Int) -> [GeneratedCall] {
        (0..<count).map { n in
            let begin = Self.day + day * 86_400 + 10 * 3600 + Int64(n) * 20
            return GeneratedCall(
                source: "07700900555",
                destination: "0207946\(String(format: "%04d", Int(day) * 10 + n))",
                diverting: nil,
                start: begin,
                answer: begin + 5,
                end: begin + 605,
                disposition: .answered,
                channel: "SIP/pbx-\(day)-\(n)",
                destinationChannel: "SIP/core-\(day)-\(n)",
                account: "",
                uniqueID: "burst.\(day).\(n)"
            )
        }
    }

    static func write(_ path: String, _ calls: [GeneratedCall]) throws {
        let sink = try OutputSink(path: path, gzip: false)
        let writer = CallFileWriter(format: .asterisk)
        for (index, call) in calls.enumerated() { try sink.write(bytes: writer.encode(call, number: index + 1)) }
        try sink.close()
    }

    /// Loads `path` into `db` in a job of its own with stream detection over stored profiles and baselines.
    static func load(_ db: String, _ path: String) throws -> IngestSummary {
        let engine = try FraudEngine(
            rules: FraudRules.defaults(),
            context: DetectorContext(
                ranges: RiskRanges(),
                profiles: StoredProfiles.lookup(recheck: 1) { try SQLiteStore(path: db) }
            ),
            homeCountryCode: "44"
        )
        return try IngestJob(
            into: .sqlite(try SQLiteStore(path: db)),
            options: IngestOptions(),
            rejectsPath: db + ".rejects.jsonl",
            fraud: engine,
            mode: .stream
        ).run(paths: [path])
    }

    static func concurrencyAlerts(_ db: String) throws -> [AlertRow] {
        try SQLiteStore(path: db).alerts().filter { $0.detector == "concurrency" }
    }

    @Test(
        "a line busy with three calls every day, met again by a new run, is not alerted at five; without its baseline it is"
    )
    func acrossRuns() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write(folder + "/week.csv", (0..<8).flatMap { Self.burst(day: $0, count: 3) })
        try Self.write(folder + "/next.csv", Self.burst(day: 8, count: 5))
        for db in ["kept", "lost"] {
            _ = try Self.load("\(folder)/\(db).db", folder + "/week.csv")
        }
        let stored = try SQLiteStore(path: folder + "/kept.db").baselines(keys: ["+447700900555"])["+447700900555"]
        #expect((stored?.concurrency ?? 0) >= 2.9, "the usual peak kept: \(String(describing: stored))")
        try SQLiteStore(path: folder + "/lost.db").connection.execute("DELETE FROM baselines")
        for db in ["kept", "lost"] {
            _ = try Self.load("\(folder)/\(db).db", folder + "/next.csv")
        }
        #expect(try Self.concurrencyAlerts(folder + "/kept.db").isEmpty)
        #expect(try Self.concurrencyAlerts(folder + "/lost.db").map(\.severity) == ["warning"])
    }
}
