import Foundation
import Testing

/// A scratch database on the server `CDRPIPE_TEST_POSTGRES` names (`scripts/with-postgres.sh` starts one),
/// driven with `psql`.
struct PostgresDatabase {
    let url: String

    /// Creates a fresh database; nil (after saying why) when no test server is configured.
    init?() throws {
        guard let admin = ProcessInfo.processInfo.environment["CDRPIPE_TEST_POSTGRES"] else {
            print("skipped: set CDRPIPE_TEST_POSTGRES to a PostgreSQL admin URL (scripts/with-postgres.sh starts one)")
            return nil
        }
        let name = "cdrpipe_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        _ = try Self.psql(admin, "CREATE DATABASE \(name)")
        url = String(admin[..<admin.lastIndex(of: "/")!]) + "/" + name
    }

    /// Runs SQL and returns its unaligned output.
    static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func value(_ sql: String) throws -> Int { Int(try Self.psql(url, sql)) ?? -1 }
}

@Suite("cdrpipe on PostgreSQL", .serialized)
struct PostgresCommandTests {
    /// Writes 40 Asterisk files: 32 generated ones, and 8 that each join two of those (all duplicates).
    /// Returns the folder and the number of distinct records, counted by loading it into SQLite.
    static func fortyFiles() throws -> (dir: String, distinct: Int) {
        let dir = try CLI.temporaryDirectory()
        let files = dir + "/in"
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        for seed in 0..<32 {
            try CLI.run(["generate", "--rows", "250", "--seed", "\(seed + 100)", "-o", files + "/gen\(seed).csv"])
        }
        for index in 0..<8 {
            let joined =
                try String(contentsOfFile: files + "/gen\(index).csv", encoding: .utf8)
                + String(contentsOfFile: files + "/gen\(index + 8).csv", encoding: .utf8)
            try joined.write(toFile: files + "/joined\(index).csv", atomically: true, encoding: .utf8)
        }
        let reference = try CLI.run(["ingest", "--db", dir + "/reference.db", "--json", files])
        let records = try CLI.json(reference.out)["records"] as? Int ?? -1
        return (dir, records)
    }

    @Test("two and four concurrent workers over the same 40 files store every record exactly once", arguments: [2, 4])
    func concurrentWorkers(workers: Int) throws {
        guard let database = try PostgresDatabase() else { return }
        let (dir, distinct) = try Self.fortyFiles()
        #expect(distinct == 32 * 250)
        let processes = (0..<workers).map { index in
            CLI.process([
                "ingest", "--db", database.url, "--worker", "w\(index)", "--wait", "--copy-batch", "200",
                "--rejects", dir + "/w\(index).rejects.jsonl", "--json", dir + "/in",
            ])
        }
        for process in processes { try process.run() }
        var loadedByWorker: [Int] = []
        for process in processes {
            let out = (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let summary = try CLI.json(String(decoding: out, as: UTF8.self))
            loadedByWorker.append(summary["records"] as? Int ?? -1)
        }
        #expect(try database.value("SELECT count(*) FROM records") == distinct)
        #expect(try database.value("SELECT count(DISTINCT key) FROM records") == distinct)
        #expect(try database.value("SELECT count(*) FROM files WHERE status = 'loaded'") == 40)
        #expect(try database.value("SELECT sum(stored) FROM files") == distinct)
        #expect(loadedByWorker.reduce(0, +) == distinct, "workers' own counts: \(loadedByWorker)")
        #expect(loadedByWorker.filter { $0 > 0 }.count >= 2, "the files were not shared out: \(loadedByWorker)")
    }

    @Test("a worker killed mid-file is recovered by another once its lease runs out")
    func killedWorker() throws {
        guard let database = try PostgresDatabase() else { return }
        let dir = try CLI.temporaryDirectory()
        try CLI.run(["generate", "--rows", "30000", "--seed", "9", "-o", dir + "/big.csv"])
        let reference = try CLI.json(
            try CLI.run(["ingest", "--db", dir + "/reference.db", "--json", dir + "/big.csv"]).out
        )
        let first = CLI.process([
            "ingest", "--db", database.url, "--worker", "doomed", "--lease-seconds", "2", "--copy-batch", "500",
            "--rejects", dir + "/a.rejects.jsonl", dir + "/big.csv",
        ])
        try first.run()
        var stored = 0
        for _ in 0..<600 where stored == 0 {
            Thread.sleep(forTimeInterval: 0.05)
            stored = (try? database.value("SELECT coalesce(sum(stored), 0) FROM files")) ?? 0
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(stored > 0, "the first worker stored nothing before it was killed")
        let partial = try database.value("SELECT count(*) FROM records")
        #expect(partial > 0 && partial < 30_000, "killed after \(partial) records: not mid-file")
        #expect(try database.value("SELECT count(*) FROM files WHERE status = 'loading' AND worker = 'doomed'") == 1)

        let second = try CLI.run([
            "ingest", "--db", database.url, "--worker", "rescuer", "--wait", "--lease-seconds", "2",
            "--rejects", dir + "/b.rejects.jsonl", "--json", dir + "/big.csv",
        ])
        #expect(second.status == 0, "\(second.err)")
        let summary = try CLI.json(second.out)
        #expect(summary["records"] as? Int == (reference["records"] as? Int ?? -1) - partial)
        #expect(try database.value("SELECT count(*) FROM records") == reference["records"] as? Int)
        #expect(try database.value("SELECT count(*) FROM files WHERE status = 'loaded' AND worker = 'rescuer'") == 1)
        #expect(try database.value("SELECT attempts FROM files") == 2)
    }
}
