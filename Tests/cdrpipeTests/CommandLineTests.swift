import Foundation
import Testing

/// Runs the built `cdrpipe` executable (built by `swift build --build-tests`, as `.ci/run` does).
struct CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var binary: String {
        for folder in [".build/debug", ".build/release"] {
            let path = root.appendingPathComponent(folder).appendingPathComponent("cdrpipe").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root.appendingPathComponent(".build/debug/cdrpipe").path
    }

    static func process(_ arguments: [String], stdin: String? = nil) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        if let stdin {
            let pipe = Pipe()
            process.standardInput = pipe
            try? pipe.fileHandleForWriting.write(contentsOf: Data(stdin.utf8))
            try? pipe.fileHandleForWriting.close()
        }
        return process
    }

    @discardableResult
    static func run(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let process = process(arguments, stdin: stdin)
        try process.run()
        let out = (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
        let err = (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// Starts `cdrpipe serve` and returns it with the URL its banner names.
    static func serve(_ arguments: [String]) throws -> (server: Process, url: String, banner: String) {
        let server = process(["serve"] + arguments)
        try server.run()
        let output = (server.standardOutput as! Pipe).fileHandleForReading
        var banner = ""
        while !banner.contains("\n") {
            let chunk = output.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        let url = banner.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        return (server, url, banner)
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-cli-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }
}

@Suite("cdrpipe command line", .serialized)
struct CommandLineTests {
    @Test("the executable exists (build with `swift build --build-tests`)")
    func binaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: CLI.binary), "missing \(CLI.binary)")
    }

    @Test("exit status: 0 clean, 1 rejects or failed files, 2 usage errors")
    func exitCodes() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.run(["generate", "--rows", "200", "--seed", "3", "-o", dir + "/a.csv"])
        let clean = try CLI.run(["ingest", "--db", dir + "/cdr.db", "--json", dir + "/a.csv"])
        #expect(clean.status == 0)
        let summary = try CLI.json(clean.out)
        for key in ["files", "records", "rejected", "duplicates", "skipped_files", "failed_files", "seconds"] {
            #expect(summary[key] != nil, "JSON summary lacks \(key)")
        }
        #expect(summary["records"] as? Int == 200)
        try "not, a, cdr\n".write(toFile: dir + "/junk.csv", atomically: true, encoding: .utf8)
        #expect(try CLI.run(["ingest", "--db", dir + "/cdr.db", dir + "/junk.csv"]).status == 1)
        #expect(try CLI.run(["ingest", "--db", dir + "/cdr.db", "--format", "nonsense", dir + "/a.csv"]).status == 2)
        #expect(
            try CLI.run(["ingest", "--db", dir + "/cdr.db", "--timezone", "Mars/Base", dir + "/a.csv"]).status == 2
        )
        #expect(
            try CLI.run(["ingest", "--db", dir + "/cdr.db", "--mapping", dir + "/missing.json", dir + "/a.csv"]).status
                == 2
        )
        let again = try CLI.run(["ingest", "--db", dir + "/cdr.db", "--json", dir + "/a.csv"])
        #expect(try CLI.json(again.out)["skipped_files"] as? Int == 1)
    }

    @Test("standard input is read with -, and records of a number come back as JSON and CSV")
    func stdinAndRecords() throws {
        let dir = try CLI.temporaryDirectory()
        let line =
            "\"\",\"07911123456\",\"02079460000\",\"c\",\"x\",\"SIP/carrier-a-00000001\",\"\",\"Dial\",\"\",\"2026-01-05 10:00:00\",\"2026-01-05 10:00:03\",\"2026-01-05 10:01:03\",63,60,\"ANSWERED\",\"DOCUMENTATION\",\"1767607200.1\",\"\"\n"
        let result = try CLI.run(["ingest", "--db", dir + "/cdr.db", "--json", "-"], stdin: line)
        #expect(result.status == 0)
        #expect(try CLI.json(result.out)["records"] as? Int == 1)
        let records = try CLI.run(["records", "--db", dir + "/cdr.db", "--number", "+447911123456", "--json"])
        let rows = try JSONSerialization.jsonObject(with: Data(records.out.utf8)) as? [[String: Any]]
        #expect(rows?.count == 1)
        #expect(rows?.first?["dialled"] as? String == "+442079460000")
        #expect(rows?.first?["billsec"] as? Int == 60)
        let csv = try CLI.run([
            "records", "--db", dir + "/cdr.db", "--number", "02079460000", "--csv", "--from", "2026-01-05", "--to",
            "2026-01-05",
        ])
        #expect(csv.out.split(separator: "\n").count == 2)
        #expect(try CLI.run(["records", "--db", dir + "/cdr.db", "--number", "+999"]).status == 2)
    }

    @Test("SIGKILL in the middle of a file, then a re-run: every record stored exactly once")
    func crashAndResume() throws {
        let dir = try CLI.temporaryDirectory()
        let rows = 60_000
        try CLI.run(["generate", "--rows", String(rows), "--seed", "21", "--days", "3", "-o", dir + "/big.csv"])
        let db = dir + "/cdr.db"
        let victim = CLI.process(["ingest", "--db", db, "--checkpoint-every", "2000", dir + "/big.csv"])
        try victim.run()
        let deadline = Date().addingTimeInterval(120)
        var committed: Int64 = 0
        while Date() < deadline && victim.isRunning {
            committed = Self.committed(db)
            if committed >= 6000 { break }
            usleep(20_000)
        }
        try #require(victim.isRunning, "ingest finished before it could be killed; make the file larger")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(victim.terminationReason == .uncaughtSignal)
        #expect(Self.committed(db) < Int64(rows))
        let rerun = try CLI.run(["ingest", "--db", db, "--json", dir + "/big.csv"])
        #expect(rerun.status == 0)
        let details = try CLI.json(rerun.out)["details"] as? [[String: Any]]
        #expect(details?.first?["status"] as? String == "resumed")
        #expect(Self.committed(db) == Int64(rows))
        #expect(Self.scalar(db, "SELECT count(DISTINCT source_id) FROM records") == Int64(rows))
        #expect(Self.scalar(db, "SELECT records + duplicates FROM files WHERE status = 'loaded'") == Int64(rows))

        let clean = dir + "/clean.db"
        #expect(try CLI.run(["ingest", "--db", clean, "--no-fraud", dir + "/big.csv"]).status == 0)
        #expect(Self.profiles(db) == Self.profiles(clean), "a resumed file adds to the profiles exactly once")
        let mismatched = """
            SELECT count(*) FROM profiles p JOIN (
                SELECT calling AS k, min(day) AS f, max(day) AS l, count(DISTINCT day) AS n, sum(part <= 1) AS c
                FROM records WHERE calling <> '' AND leg IN (0, 1) GROUP BY calling
            ) r ON r.k = p.key
            WHERE p.first_day <> r.f OR p.last_day <> r.l OR p.active_days <> r.n
            """
        #expect(Self.scalar(db, mismatched) == 0)
        #expect(
            Self.scalar(db, "SELECT count(*) FROM profiles WHERE key NOT LIKE 'acct:%'")
                == Self.scalar(db, "SELECT count(DISTINCT calling) FROM records WHERE calling <> ''")
        )
        try (String(contentsOfFile: dir + "/big.csv", encoding: .utf8) + "\n").write(
            toFile: dir + "/copy.csv",
            atomically: true,
            encoding: .utf8
        )
        #expect(try CLI.run(["ingest", "--db", db, "--no-fraud", dir + "/copy.csv"]).status == 0)
        #expect(Self.profiles(db) == Self.profiles(clean), "duplicates add nothing")
    }

    /// Every stored profile as text, in key order, its sketch's bytes included.
    static func profiles(_ db: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [
            db,
            "SELECT key, first_day, last_day, active_days, round(mean_minutes, 6), round(mean_calls, 6), "
                + "round(weight, 9), round(day_minutes, 6), day_calls, hex(sketch) FROM profiles ORDER BY key",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "" }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: out, as: UTF8.self)
    }

    static func scalar(_ db: String, _ sql: String) -> Int64 {
        rows(db, sql).first.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } ?? -1
    }

    /// Every value of a one-column query, as text.
    static func rows(_ db: String, _ sql: String) -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [db, sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return [] }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    static func committed(_ db: String) -> Int64 { max(0, scalar(db, "SELECT count(*) FROM records")) }
}

@Suite("cdrpipe retention commands", .serialized)
struct RetentionCommandTests {
    @Test("SIGKILL during retain, then a re-run: nothing lost, nothing counted twice")
    func killDuringRetain() throws {
        let dir = try CLI.temporaryDirectory()
        let db = dir + "/cdr.db"
        try CLI.run([
            "generate", "--rows", "150000", "--seed", "5", "--start", "2025-01-01", "--days", "150", "-o",
            dir + "/a.csv",
        ])
        #expect(try CLI.run(["ingest", "--db", db, dir + "/a.csv"]).status == 0)
        let seconds = CommandLineTests.scalar(db, "SELECT sum(duration) FROM records")
        let victim = CLI.process(["retain", "--db", db, "--as-of", "2026-01-01"])
        try victim.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && victim.isRunning {
            if CommandLineTests.scalar(db, "SELECT count(*) FROM retention_months") >= 3 { break }
            usleep(5_000)
        }
        try #require(victim.isRunning, "retain finished before it could be killed; make the data larger")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        let partial = CommandLineTests.scalar(db, "SELECT count(*) FROM records")
        #expect(partial > 0 && partial < 150_000)
        #expect(
            CommandLineTests.scalar(db, "SELECT (SELECT count(*) FROM records) + (SELECT sum(calls) FROM aggregates)")
                == 150_000
        )
        let rerun = try CLI.run(["retain", "--db", db, "--as-of", "2026-01-01", "--json"])
        #expect(rerun.status == 0)
        #expect(CommandLineTests.scalar(db, "SELECT count(*) FROM records") == 0)
        #expect(CommandLineTests.scalar(db, "SELECT sum(calls) FROM aggregates") == 150_000)
        #expect(CommandLineTests.scalar(db, "SELECT sum(seconds) FROM aggregates") == seconds)
        #expect(try CLI.json(rerun.out)["months"] is [[String: Any]])
    }

    @Test("hold add, list, release and aggregates from the command line")
    func holdsAndAggregates() throws {
        let dir = try CLI.temporaryDirectory()
        let db = dir + "/cdr.db"
        try CLI.run([
            "generate", "--rows", "5000", "--seed", "9", "--start", "2025-01-01", "--days", "20", "-o", dir + "/a.csv",
        ])
        #expect(try CLI.run(["ingest", "--db", db, dir + "/a.csv"]).status == 0)
        let table = try CLI.run(["aggregates", "--db", db, "--from", "2025-01-01", "--to", "2025-01-31"])
        #expect(table.status == 0 && table.out.contains("2025-01-05"))
        let add = try CLI.run([
            "hold", "add", "--db", db, "--number", "07700 900123", "--case", "D-1", "--reason", "dispute", "--from",
            "2025-01-01",
        ])
        #expect(add.status == 0, "\(add.err)")
        #expect(add.out.contains("+44*******123") && !add.out.contains("7700900123"))
        let list = try CLI.run(["hold", "list", "--db", db])
        #expect(list.out.contains("D-1") && list.out.contains("active") && !list.out.contains("7700900123"))
        #expect(try CLI.run(["hold", "release", "--db", db, "1"]).status == 0)
        let again = try CLI.run(["hold", "release", "--db", db, "1"])
        #expect(again.status == 1 && again.err.contains("no active hold has id 1"))
        #expect(
            try CLI.run(["hold", "add", "--db", db, "--number", "+44", "--case", "x", "--reason", "y"]).status == 2
        )
        let bad = try CLI.run([
            "aggregates", "--db", db, "--from", "2025-01-01", "--to", "2025-01-31", "--by", "caller",
        ])
        #expect(bad.status == 2 && bad.err.contains("caller is not a dimension"))
        let json = try CLI.run([
            "aggregates", "--db", db, "--from", "2025-01-01", "--to", "2025-01-31", "--by", "direction", "--format",
            "json",
        ])
        #expect(json.out.contains("\"asr\"") && !json.out.contains("+44"))
        let policy = try CLI.run(["retain", "--db", db, "--full-months", "24", "--aggregate-years", "1"])
        #expect(policy.status == 2 && policy.err.contains("must outlive full records"))
    }
}

@Suite("cdrpipe fraud detection", .serialized)
struct FraudCommandTests {
    /// An Asterisk Master.csv: a Wangiri sweep from Nigeria (40 targets rung 2 s) and a call to an IPRN
    /// test number, on 2026-03-02.
    static func sweep() -> String {
        var lines: [String] = []
        for n in 0..<40 {
            let second = n * 20
            let start = String(format: "2026-03-02 09:%02d:%02d", second / 60, second % 60)
            let end = String(format: "2026-03-02 09:%02d:%02d", (second + 2) / 60, (second + 2) % 60)
            lines.append(
                "\"\",\"+2348031234567\",\"07911\(String(format: "%06d", n))\",\"from-trunk\",\"\",\"SIP/trunk-1\",\"\",\"Dial\",\"\","
                    + "\"\(start)\",\"\",\"\(end)\",2,0,\"NO ANSWER\",3,\"w\(n)\",\"\""
            )
        }
        lines.append(
            "\"acme\",\"201\",\"0088213000111\",\"from-internal\",\"\",\"SIP/201\",\"\",\"Dial\",\"\",\"2026-03-02 10:00:00\","
                + "\"2026-03-02 10:00:05\",\"2026-03-02 10:00:40\",40,35,\"ANSWERED\",3,\"t1\",\"\""
        )
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("generate --inject adds labelled records and leaves the background rows as they were")
    func injection() throws {
        let dir = try CLI.temporaryDirectory()
        let common = ["generate", "--rows", "3000", "--seed", "77", "--days", "3", "--start", "2026-03-02"]
        try CLI.run(common + ["-o", dir + "/plain.csv"])
        let injected = try CLI.run(
            common + ["--inject", "wangiri:1,pbx:1", "--labels", dir + "/labels.csv", "-o", dir + "/mixed.csv"]
        )
        #expect(injected.status == 0, "\(injected.err)")
        let plain = try String(contentsOfFile: dir + "/plain.csv", encoding: .utf8).split(separator: "\n")
        let mixed = try String(contentsOfFile: dir + "/mixed.csv", encoding: .utf8).split(separator: "\n")
        let labels = try String(contentsOfFile: dir + "/labels.csv", encoding: .utf8).split(separator: "\n")
        #expect(mixed.filter { !$0.contains("\"inject-") } == plain)
        #expect(mixed.count - plain.count == labels.count - 1 && labels.count > 50)
        #expect(labels[0] == "uniqueid,scenario_id,type,role,subject")
        let bad = try CLI.run(["generate", "--rows", "10", "--inject", "phishing:1"])
        #expect(bad.status == 2 && bad.err.contains("expected type:count"))
    }

    @Test("ingest raises alerts, writes the report to the outbox, and re-loading the records raises none again")
    func alertsAndReport() throws {
        let dir = try CLI.temporaryDirectory()
        let db = dir + "/cdr.db"
        try Self.sweep().write(toFile: dir + "/Master.csv", atomically: true, encoding: .utf8)
        let ranges = CLI.root.appendingPathComponent("config/risk-ranges.csv").path
        let first = try CLI.run(["ingest", "--db", db, "--risk-ranges", ranges, "--json", dir + "/Master.csv"])
        #expect(first.status == 0, "\(first.err)")
        let ids = try CLI.json(first.out)["alerts"] as? [String] ?? []
        #expect(ids.count == 2)
        #expect(try CLI.json(first.out)["fraud_observed"] as? Int == 41)
        #expect(try CLI.json(first.out)["late_records"] as? Int == 0)
        let listed = try CLI.run(["alerts", "--db", db, "--format", "json"])
        #expect(listed.out.contains("\"detector\":\"wangiri\"") && listed.out.contains("\"detector\":\"irsf-hotlist\""))
        try "prefix,rate_per_minute\n+88213,6.00\n".write(toFile: dir + "/rates.csv", atomically: true, encoding: .utf8)
        let priced = try CLI.run(
            ["alerts", "--db", db, "--format", "json", "--risk-ranges", ranges, "--rates", dir + "/rates.csv"]
                + ["--currency", "GBP"]
        )
        let hotlist = try #require(priced.out.split(separator: "\n").first { $0.contains("irsf-hotlist") })
        let line = try #require(JSONSerialization.jsonObject(with: Data(hotlist.utf8)) as? [String: Any])
        let money = try #require(line["money_at_risk"] as? [String: Any])
        #expect(money["amount"] as? Double == 3.5 && money["currency"] as? String == "GBP", "35 s at 6.00 a minute")
        let cited = try #require((line["calls"] as? [[String: Any]])?.first)
        #expect(cited["dialled"] as? String == "+88213000111" && cited["billable_seconds"] as? Int == 35)
        #expect(cited["rate_basis"] as? String == "table +88213" && cited["disposition"] as? String == "answered")
        let badRates = try CLI.run(["alerts", "--db", db, "--format", "csv", "--rates", ranges])
        #expect(badRates.status == 2 && badRates.err.contains("risk-ranges.csv:"), "\(badRates.err)")
        let outbox = try FileManager.default.contentsOfDirectory(atPath: db + ".outbox").sorted()
        #expect(outbox.map { ($0 as NSString).pathExtension } == ["csv", "html", "jsonl"])
        let html = try String(contentsOfFile: db + ".outbox/" + outbox[1], encoding: .utf8)
        #expect(html.contains("<svg class=\"timeline\"") && html.contains("Case "))
        #expect(
            html.contains("<td>+88213000111</td>") && html.contains("irsf-hotlist critical"),
            "calls and labelled bars"
        )
        let mode =
            try FileManager.default.attributesOfItem(atPath: db + ".outbox/" + outbox[0])[.posixPermissions] as? Int
        #expect(mode == 0o600)

        try (Self.sweep() + "\n").write(toFile: dir + "/Master-copy.csv", atomically: true, encoding: .utf8)
        let again = try CLI.run(["ingest", "--db", db, "--risk-ranges", ranges, "--json", dir + "/Master-copy.csv"])
        #expect(try CLI.json(again.out)["duplicates"] as? Int == 41)
        #expect((try CLI.json(again.out)["alerts"] as? [String])?.isEmpty == true)
        #expect(CommandLineTests.scalar(db, "SELECT count(*) FROM alerts") == 2)
        let critical = try CLI.run(["alerts", "--db", db, "--severity", "critical"])
        #expect(critical.out.contains("irsf-hotlist") && !critical.out.contains("wangiri"))
        let off = try CLI.run(["ingest", "--db", dir + "/other.db", "--no-fraud", "--json", dir + "/Master.csv"])
        #expect((try CLI.json(off.out)["alerts"] as? [String])?.isEmpty == true)
        let bad = try CLI.run(["ingest", "--db", db, "--rules", ranges, dir + "/Master.csv"])
        #expect(bad.status == 2 && bad.err.contains("risk-ranges.csv"))
    }
}
