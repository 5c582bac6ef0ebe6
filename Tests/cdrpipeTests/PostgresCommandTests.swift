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

    @Test("retain, hold, aggregates and audit on PostgreSQL answer as they do on SQLite")
    func retentionCommands() throws {
        guard let database = try PostgresDatabase() else { return }
        let dir = try CLI.temporaryDirectory()
        try CLI.run(["generate", "--rows", "6000", "--seed", "21", "--days", "70", "-o", dir + "/calls.csv"])
        let held = try String(contentsOfFile: dir + "/calls.csv", encoding: .utf8).split(separator: "\n")[0]
            .split(separator: ",")[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        var answers: [String] = []
        for db in [dir + "/cdr.db", database.url] {
            let keys = ["--key-dir", dir + "/keys-\(answers.count)"]
            #expect(try CLI.run(["ingest", "--db", db, "--rejects", dir + "/r.jsonl", dir + "/calls.csv"]).status == 0)
            let hold = try CLI.run(
                ["hold", "add", "--db", db, "--number", held, "--case", "D-7", "--reason", "dispute"] + keys
            )
            #expect(hold.status == 0, "\(hold.err)")
            let retain = try CLI.run(["retain", "--db", db, "--as-of", "2026-10-01", "--json"] + keys)
            #expect(retain.status == 0, "\(retain.err)")
            let months = try CLI.json(retain.out)["months"] as? [[String: Any]] ?? []
            #expect(months.count == 3, "January to March 2026 rolled up: \(retain.out)")
            let aggregates = try CLI.run(
                [
                    "aggregates", "--db", db, "--from", "2026-01-01", "--to", "2026-03-31", "--by", "month,direction",
                    "--format", "csv",
                ] + keys
            )
            #expect(aggregates.status == 0, "\(aggregates.err)")
            answers.append(aggregates.out)
            let audit = try CLI.run(["audit", "verify", "--db", db] + keys)
            #expect(audit.status == 0 && audit.out.contains("intact: 2 entries"), "\(audit.out)\(audit.err)")
        }
        #expect(answers[0].split(separator: "\n").count >= 4)
        #expect(answers[0] == answers[1])
        let monthsLeft = try database.value(
            "SELECT count(DISTINCT to_char(to_timestamp(start_at) AT TIME ZONE 'UTC', 'YYYY-MM')) FROM records"
        )
        #expect(
            try database.value("SELECT count(*) FROM partitions") == monthsLeft,
            "months without held records dropped"
        )
        let e164 = "+44" + held.dropFirst()
        let heldLeft = try database.value(
            "SELECT count(*) FROM records WHERE calling = '\(e164)' OR dialled = '\(e164)' OR '\(e164)' = ANY(diverting)"
        )
        let left = try database.value("SELECT count(*) FROM records")
        #expect(heldLeft > 0 && heldLeft == left, "only the held number's records stay")
    }

    @Test("a file that fails part-way leaves none of its records behind")
    func failedFile() throws {
        guard let database = try PostgresDatabase() else { return }
        let dir = try CLI.temporaryDirectory()
        try CLI.run(["generate", "--rows", "20000", "--seed", "5", "--gzip", "-o", dir + "/calls.csv.gz"])
        let whole = try Data(contentsOf: URL(fileURLWithPath: dir + "/calls.csv.gz"))
        try whole.prefix(whole.count * 3 / 4).write(to: URL(fileURLWithPath: dir + "/cut.csv.gz"))
        try CLI.run(["generate", "--rows", "300", "--seed", "6", "-o", dir + "/good.csv"])
        let run = try CLI.run([
            "ingest", "--db", database.url, "--copy-batch", "1000", "--rejects", dir + "/r.jsonl", "--json",
            dir + "/cut.csv.gz", dir + "/good.csv",
        ])
        #expect(run.status == 1)
        #expect((try CLI.json(run.out)["failed_files"] as? [Any])?.count == 1)
        #expect(try database.value("SELECT count(*) FROM files WHERE status = 'failed' AND stored = 0") == 1)
        #expect(try database.value("SELECT count(*) FROM records") == 300, "only the good file's records")
        let misplaced = try CLI.run([
            "ingest", "--db", database.url, "--rules", "config/fraud-rules.json", dir + "/good.csv",
        ])
        #expect(
            misplaced.status == 2 && misplaced.err.contains("cdrpipe detect"),
            "fraud options belong to the consumer"
        )
        let again = try CLI.run(["ingest", "--db", database.url, "--rejects", dir + "/r.jsonl", dir + "/cut.csv.gz"])
        #expect(again.status == 1 && again.out.contains("truncated gzip"), "a failed file is tried again: \(again.out)")
        #expect(try database.value("SELECT attempts FROM files WHERE status = 'failed'") == 2)
    }

    @Test("detection runs as one consumer over what the workers loaded and finds what SQLite finds")
    func detectionConsumer() throws {
        guard let database = try PostgresDatabase() else { return }
        let dir = try CLI.temporaryDirectory()
        for (name, seed) in [("a", "77"), ("b", "78")] {
            try CLI.run([
                "generate", "--rows", "8000", "--seed", seed, "--days", "2", "--inject", "all:1", "-o",
                dir + "/\(name).csv",
            ])
        }
        let files = [dir + "/a.csv", dir + "/b.csv"]
        #expect(try CLI.run(["ingest", "--db", dir + "/s.db", "--no-fraud"] + files).status == 0)
        #expect(try CLI.run(["detect", "--db", dir + "/s.db", "--outbox", dir + "/s.outbox"]).status == 0)
        let workers = files.enumerated().map { index, file in
            CLI.process([
                "ingest", "--db", database.url, "--worker", "w\(index)", "--rejects", dir + "/r\(index)", file,
            ])
        }
        for worker in workers { try worker.run() }
        for worker in workers { worker.waitUntilExit() }

        let blocker = Process()
        blocker.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        blocker.arguments = [database.url, "-X", "-q", "-c", "SELECT pg_advisory_lock(72436104), pg_sleep(3)"]
        try blocker.run()
        Thread.sleep(forTimeInterval: 0.7)
        let refused = try CLI.run(["detect", "--db", database.url, "--outbox", dir + "/p.outbox"])
        #expect(refused.status != 0 && refused.err.contains("one consumer"), "\(refused.out)\(refused.err)")
        blocker.waitUntilExit()

        let run = try CLI.run(["detect", "--db", database.url, "--outbox", dir + "/p.outbox"])
        #expect(run.status == 0 && run.out.contains("observed 2 new files"), "\(run.out)\(run.err)")
        #expect(try database.value("SELECT count(*) FROM files WHERE detected_at IS NULL") == 0)
        let again = try CLI.run(["detect", "--db", database.url, "--outbox", dir + "/p.outbox"])
        #expect(again.out.contains("no loaded files await detection"))

        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [dir + "/s.db", "SELECT id FROM alerts ORDER BY id"]
        let out = Pipe()
        sqlite.standardOutput = out
        try sqlite.run()
        let expected = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sqlite.waitUntilExit()
        let actual = try PostgresDatabase.psql(database.url, "SELECT id FROM alerts ORDER BY id")
        #expect(expected.split(separator: "\n").count >= 10, "too few alerts to compare")
        #expect(actual.split(separator: "\n") == expected.split(separator: "\n"))
        #expect(try database.value("SELECT count(*) FROM cases") > 0)
        let listed = try CLI.run(["alerts", "--db", database.url, "--format", "json", "--limit", "10000"])
        #expect(listed.status == 0 && listed.out.split(separator: "\n").count == expected.split(separator: "\n").count)
        #expect(try database.value("SELECT count(*) FROM audit_log WHERE action = 'alerts'") == 1)
    }

    @Test("records, subject export and erasure on PostgreSQL give what they give on SQLite")
    func subjectRequests() throws {
        guard let database = try PostgresDatabase() else { return }
        let dir = try CLI.temporaryDirectory()
        try CLI.run(["generate", "--rows", "5000", "--seed", "31", "--days", "5", "-o", dir + "/calls.csv"])
        let lines = try String(contentsOfFile: dir + "/calls.csv", encoding: .utf8).split(separator: "\n")
        let number =
            "+44"
            + lines[0].split(separator: ",")[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).dropFirst()
        var outputs: [[String]] = []
        for db in [dir + "/cdr.db", database.url] {
            let keys = ["--key-dir", dir + "/keys-\(outputs.count)"]
            #expect(
                try CLI.run(["ingest", "--db", db, "--no-fraud", "--rejects", dir + "/r", dir + "/calls.csv"]).status
                    == 0
            )
            let records = try CLI.run(["records", "--db", db, "--number", number, "--csv"] + keys)
            let export = try CLI.run(["subject", "export", "--db", db, "--number", number] + keys)
            let exported = try CLI.json(export.out)["records"] as? [Any]
            let erase = try CLI.run(["subject", "erase", "--db", db, "--number", number] + keys)
            let after = try CLI.run(["records", "--db", db, "--number", number, "--csv"] + keys)
            let audit = try CLI.run(["audit", "verify", "--db", db] + keys)
            #expect(
                records.status == 0 && export.status == 0 && erase.status == 0,
                "\(records.err)\(export.err)\(erase.err)"
            )
            outputs.append([
                records.out, String(exported?.count ?? -1), erase.out, after.out, audit.out,
            ])
        }
        #expect(outputs[0][0].split(separator: "\n").count > 3, "the number has records")
        #expect(outputs[0][1] == String(outputs[0][0].split(separator: "\n").count - 1))
        #expect(outputs[1] == outputs[0])
        #expect(outputs[1][3].split(separator: "\n").count == 1, "only the header is left")
    }

    @Test("serve on PostgreSQL: tokens, roles, aggregates, records with their audit, as on SQLite")
    func serveOnPostgres() throws {
        guard let database = try PostgresDatabase() else { return }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            print("skipped: needs /usr/bin/curl")
            return
        }
        let dir = try CLI.temporaryDirectory()
        try CLI.run(["generate", "--rows", "3000", "--seed", "41", "--days", "3", "-o", dir + "/calls.csv"])
        let first = try String(contentsOfFile: dir + "/calls.csv", encoding: .utf8).split(separator: "\n")[0]
        let number =
            "+44" + first.split(separator: ",")[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).dropFirst()
        var answers: [[String]] = []
        for db in [dir + "/cdr.db", database.url] {
            let keys = ["--key-dir", dir + "/keys-\(answers.count)"]
            #expect(
                try CLI.run(["ingest", "--db", db, "--no-fraud", "--rejects", dir + "/r", dir + "/calls.csv"]).status
                    == 0
            )
            let analyst = try CLI.run(["users", "add", "--db", db, "--role", "analyst", "ana"])
            let fraud = try CLI.run(["users", "add", "--db", db, "--role", "fraud", "fred"])
            let tokens = [analyst, fraud].map {
                $0.out.split(separator: "\n").first { $0.hasPrefix("cdr_") }.map(String.init) ?? ""
            }
            #expect(tokens.allSatisfy { $0.count == 68 }, "\(analyst.out)\(fraud.out)")
            let (server, url, _) = try CLI.serve(["--db", db, "--port", "0"] + keys)
            func get(_ path: String, _ token: String) throws -> String {
                try ServeCommandTests.tool(
                    "/usr/bin/curl",
                    [
                        "-s", "--max-time", "10", "-w", " %{http_code}", "-H", "Authorization: Bearer \(token)",
                        url + path,
                    ]
                )?.out ?? ""
            }
            let escaped = number.replacingOccurrences(of: "+", with: "%2B")
            answers.append([
                try get("v1/aggregates?from=2026-01-05&to=2026-01-07&by=day,direction&format=csv", tokens[0]),
                try get("v1/records?number=\(escaped)&format=csv", tokens[0]),
                try get("v1/records?number=\(escaped)&format=csv", tokens[1]),
                try get("v1/files?format=csv", "nobody"),
            ])
            server.terminate()
            server.waitUntilExit()
            let audit = try CLI.run(["audit", "list", "--db", db])
            #expect(audit.out.contains("denied") && audit.out.contains("GET /v1/records"), "\(audit.out)")
        }
        #expect(answers[0][0].hasSuffix(" 200") && answers[0][0].split(separator: "\n").count > 3, "\(answers[0][0])")
        #expect(answers[0][1].hasSuffix(" 403"))
        #expect(answers[0][2].hasSuffix(" 200"))
        #expect(answers[0][3].hasSuffix(" 401"))
        #expect(answers[1] == answers[0])
    }
}
