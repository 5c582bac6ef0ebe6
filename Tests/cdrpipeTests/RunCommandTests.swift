import Foundation
import TestSupport
import Testing

@Suite("cdrpipe run (the service)", .serialized)
struct RunCommandTests {
    /// Starts `cdrpipe run` with its log in `log`.
    static func start(_ config: String, log: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["run", "--config", config]
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        return process
    }

    /// Waits up to `seconds` for `condition`; returns whether it came true.
    static func wait(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test("run --check accepts a good config and names the bad key of a wrong one")
    func check() throws {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        let good = #"{"store": {"db": "cdr.db"}, "sources": [{"name": "sw1", "folder": "in"}]}"#
        try good.write(toFile: dir + "/good.json", atomically: true, encoding: .utf8)
        let ok = try CLI.run(["run", "--check", dir + "/good.json"])
        #expect(ok.status == 0 && ok.out.contains("1 sources (sw1)"), "\(ok)")
        let wrong = [
            #"{"store": {"db": "cdr.db"}, "sources": [{"name": "sw1", "folder": "in", "settle": 3}]}"#:
                "sources[0].settle",
            #"{"store": {"db": "cdr.db"}, "sources": [{"name": "sw1", "folder": "in", "format": "csv"}]}"#:
                "sources[0].format",
            #"{"store": {"db": "cdr.db"}, "fraud": {"rules": "nowhere.json"}}"#: "nowhere.json",
            #"{"store": {"db": "postgres://u@h/d"}}"#: "store.db",
        ]
        for (json, key) in wrong {
            try json.write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
            let refused = try CLI.run(["run", "--check", dir + "/bad.json"])
            #expect(refused.status == 2 && refused.err.contains(key), "\(key): \(refused.err)")
        }
    }

    @Test("the shipped example config checks clean once its folders exist")
    func example() throws {
        let dir = try CLI.temporaryDirectory()
        var text = try String(contentsOf: CLI.root.appendingPathComponent("deploy/cdrpipe.json"), encoding: .utf8)
        for prefix in ["/var/lib/cdrpipe", "/srv/cdr", "/etc/cdrpipe", "/var/backups/cdrpipe", "/mnt/offsite/cdrpipe"] {
            text = text.replacingOccurrences(of: prefix, with: dir + prefix)
        }
        for folder in ["/var/lib/cdrpipe", "/srv/cdr/msc-north", "/srv/cdr/pbx-export", "/etc/cdrpipe/tls"] {
            try FileManager.default.createDirectory(atPath: dir + folder, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(
            atPath: CLI.root.appendingPathComponent("fixtures/operator-mapping.json").path,
            toPath: dir + "/etc/cdrpipe/pbx-mapping.json"
        )
        try FileManager.default.copyItem(
            atPath: CLI.root.appendingPathComponent("config/risk-ranges.csv").path,
            toPath: dir + "/etc/cdrpipe/risk-ranges.csv"
        )
        try text.write(toFile: dir + "/cdrpipe.json", atomically: true, encoding: .utf8)
        let checked = try CLI.run(["run", "--check", dir + "/cdrpipe.json"])
        #expect(checked.status == 0 && checked.out.contains("3 sources (msc-north, pbx-export, sbc)"), "\(checked)")
    }

    @Test(
        "files and posts load exactly once across a SIGKILL; slow, gzip and broken files; IRSF reaches the webhook"
    )
    func service() throws {
        let dir = try CLI.temporaryDirectory()
        for folder in ["in/sw1", "in/sw2", "src"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + folder, withIntermediateDirectories: true)
        }
        let make: [(String, [String])] = [
            ("big.csv", ["--rows", "60000", "--seed", "21", "--days", "3"]),
            ("slow.csv", ["--rows", "2000", "--seed", "11", "--start", "2026-01-20"]),
            ("small.csv.gz", ["--rows", "3000", "--seed", "5", "--gzip", "--start", "2026-01-25"]),
            ("irsf.csv", ["--rows", "2000", "--seed", "9", "--inject", "irsf:3", "--start", "2026-02-01"]),
        ]
        for (name, arguments) in make {
            #expect(try CLI.run(["generate"] + arguments + ["-o", dir + "/src/" + name]).status == 0)
        }
        let reference = dir + "/reference.db"
        #expect(try CLI.run(["ingest", "--db", reference, "--no-fraud", dir + "/src"]).status == 0)
        let expected = CommandLineTests.committed(reference)
        #expect(expected > 60_000)

        let receiver = try TestReceiver(statuses: [200])
        let db = dir + "/cdr.db"
        let ranges = CLI.root.appendingPathComponent("config/risk-ranges.csv").path
        let config = """
            {"store": {"db": "cdr.db", "checkpointEvery": 2000}, "pollSeconds": 0.2,
             "sources": [{"name": "sw1", "folder": "in/sw1", "settleSeconds": 1},
                         {"name": "sw2", "folder": "in/sw2", "complete": "marker"}],
             "fraud": {"quietSeconds": 0.5, "riskRanges": "\(ranges)", "webhook": "http://127.0.0.1:\(receiver.port)/alerts"},
             "server": {"port": 0},
             "schedule": {"webhookRetrySeconds": 1, "retainAt": "00:00", "timezone": "UTC"}}
            """
        try config.write(toFile: dir + "/svc.json", atomically: true, encoding: .utf8)

        let first = try Self.start(dir + "/svc.json", log: dir + "/first.log")
        try FileManager.default.copyItem(atPath: dir + "/src/big.csv", toPath: dir + "/in/sw1/big.csv")
        let midway = Self.wait(120) { CommandLineTests.committed(db) >= 6_000 || !first.isRunning }
        try #require(midway && first.isRunning, "the service did not start loading: \(Self.log(dir + "/first.log"))")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(CommandLineTests.committed(db) < 60_000)
        #expect(Self.exists(dir + "/in/sw1/big.csv"), "an unfinished file stays to be resumed")

        let second = try Self.start(dir + "/svc.json", log: dir + "/second.log")
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        let slow = try Data(contentsOf: URL(fileURLWithPath: dir + "/src/slow.csv"))
        _ = FileManager.default.createFile(atPath: dir + "/in/sw1/slow.csv", contents: nil)
        let writer = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/in/sw1/slow.csv"))
        for piece in 0..<4 {
            try writer.write(contentsOf: slow[(slow.count * piece / 4)..<(slow.count * (piece + 1) / 4)])
            usleep(400_000)
        }
        try writer.close()
        try FileManager.default.copyItem(atPath: dir + "/src/small.csv.gz", toPath: dir + "/in/sw2/small.csv.gz")
        usleep(2_000_000)
        #expect(!Self.exists(dir + "/in/sw2/processed/small.csv.gz"), "no marker yet")
        _ = FileManager.default.createFile(atPath: dir + "/in/sw2/small.csv.gz.done", contents: nil)
        try "this,is,not\na,cdr,file\n".write(toFile: dir + "/in/sw1/broken.csv", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: dir + "/src/irsf.csv", toPath: dir + "/in/sw1/irsf.csv")

        let processed =
            ["in/sw1/processed/big.csv", "in/sw1/processed/slow.csv", "in/sw1/processed/irsf.csv"]
            + ["in/sw2/processed/small.csv.gz", "in/sw1/failed/broken.csv", "in/sw1/failed/broken.csv.reason.txt"]
        let handled = Self.wait(180) { processed.allSatisfy { Self.exists(dir + "/" + $0) } }
        #expect(handled, "not all handled: \(Self.log(dir + "/second.log"))")
        #expect(!Self.exists(dir + "/in/sw2/small.csv.gz.done"), "the marker goes with its file")
        let reason = (try? String(contentsOfFile: dir + "/in/sw1/failed/broken.csv.reason.txt", encoding: .utf8)) ?? ""
        #expect(reason.contains("format not recognised"), "\(reason)")

        let alerted = Self.wait(30) {
            receiver.bodies.contains { String(decoding: $0, as: UTF8.self).contains("\"irsf-burst\"") }
        }
        #expect(alerted, "no IRSF alert reached the webhook: \(Self.log(dir + "/second.log"))")

        let port = Self.port(dir + "/second.log")
        let pusher = try PushCommandTests.token(db, role: "ingest", name: "fs-edge")
        for index in 0..<3 {
            let body = PushCommandTests.document(
                uuid: "fs-\(index)",
                caller: "0770090450\(index)",
                start: 1_770_000_000 + index
            )
            let url = "http://127.0.0.1:\(port ?? "0")/v1/cdrs?source=sw1"
            #expect(try PushCommandTests.post(url, token: pusher, type: "application/json", body: body).status == 200)
        }
        #expect(Self.log(dir + "/first.log").contains("scheduled retention"), "never run before: due at start")
        #expect(!Self.log(dir + "/second.log").contains("scheduled retention"), "ran today already: not again")

        kill(second.processIdentifier, SIGTERM)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        #expect(Self.log(dir + "/second.log").contains("stopped"))
        #expect(CommandLineTests.committed(db) == expected + 3, "every record stored exactly once")
        #expect(CommandLineTests.scalar(db, "SELECT count(DISTINCT source_id) FROM records") == expected + 3)
        #expect(
            CommandLineTests.scalar(db, "SELECT count(*) FROM files WHERE path LIKE '%slow.csv'") == 1,
            "read whole, once"
        )
        #expect(
            CommandLineTests.scalar(db, "SELECT count(*) FROM files WHERE status = 'loaded'") == 4 + 3,
            "4 files, 3 posts"
        )
        #expect(CommandLineTests.scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'service start'") == 2)
    }

    /// The port the service logging to `log` listens on, once it says so (nil after 30 s).
    static func port(_ log: String) -> String? {
        var port: String?
        _ = wait(30) {
            let text = Self.log(log)
            port = text.range(of: "listening on http://127.0.0.1:").map {
                String(text[$0.upperBound...].prefix { $0.isNumber })
            }
            return port != nil
        }
        return port
    }

    static func log(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
}

@Suite("cdrpipe run with a webhook that never answers", .serialized)
struct SilentWebhookTests {
    /// A socket that listens on a free loopback port and never accepts: a request to it hangs until its
    /// timeout. Returns the descriptor (keep it open) and the port.
    static func silentListener() throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    @Test("an alert whose webhook hangs does not hold up the next file")
    func loadingGoesOn() throws {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        let (fd, port) = try Self.silentListener()
        defer { close(fd) }
        let ranges = CLI.root.appendingPathComponent("config/risk-ranges.csv").path
        try """
        {"store": {"db": "cdr.db"}, "pollSeconds": 0.2, "sources": [{"name": "s", "folder": "in", "complete": "rename"}],
         "fraud": {"quietSeconds": 0.3, "riskRanges": "\(ranges)", "webhook": "http://127.0.0.1:\(port)/hook"}}
        """.write(toFile: dir + "/svc.json", atomically: true, encoding: .utf8)
        let service = try RunCommandTests.start(dir + "/svc.json", log: dir + "/run.log")
        defer { if service.isRunning { kill(service.processIdentifier, SIGKILL) } }
        func line(_ dialled: String, _ id: String) -> String {
            #""","07700900461","\#(dialled)","default","07700900461","SIP/a","SIP/b","Dial","x","2026-11-02 09:00:00","#
                + #""2026-11-02 09:00:05","2026-11-02 09:01:05",65,60,"ANSWERED","DOCUMENTATION","\#(id)","""# + "\n"
        }
        try line("+88213000111", "hot").write(toFile: dir + "/in/first.csv", atomically: true, encoding: .utf8)
        let db = dir + "/cdr.db"
        #expect(RunCommandTests.wait(20) { CommandLineTests.scalar(db, "SELECT count(*) FROM alerts") > 0 })
        usleep(1_000_000)
        try line("+441632960001", "next").write(toFile: dir + "/in/second.csv", atomically: true, encoding: .utf8)
        let started = Date()
        #expect(RunCommandTests.wait(15) { CommandLineTests.committed(db) == 2 })
        #expect(Date().timeIntervalSince(started) < 10, "the second file waited on the webhook")
    }
}

@Suite("cdrpipe run on real switch files", .serialized)
struct RunCorpusTests {
    static let corpus = CLI.root.deletingLastPathComponent().appendingPathComponent("shared/corpus").path

    @Test(
        "real Asterisk and FreeSWITCH files dropped in folders load as `ingest` loads them; posted again, they are duplicates"
    )
    func realFiles() throws {
        let asterisk = Self.corpus + "/asterisk-cdr-csv/BugaDM-TelephonySwitching_Master.csv"
        let freeswitch = Self.corpus + "/freeswitch-cdr-csv/SeanHerbert-freeswitch_Master.csv"
        guard FileManager.default.fileExists(atPath: asterisk), let (dir, db, pusher) = try PushCommandTests.scratch()
        else {
            print("skipped: needs ../shared/corpus and /usr/bin/curl")
            return
        }
        let reference = dir + "/reference.db"
        #expect(try CLI.run(["ingest", "--db", reference, "--no-fraud", asterisk, freeswitch]).status == 0)
        let expected = CommandLineTests.committed(reference)
        for folder in ["ast", "fs"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + folder, withIntermediateDirectories: true)
        }
        try """
        {"store": {"db": "cdr.db"}, "pollSeconds": 0.2, "server": {"port": 0},
         "sources": [{"name": "ast", "folder": "ast", "settleSeconds": 0.5}, {"name": "fs", "folder": "fs", "settleSeconds": 0.5},
                     {"name": "sbc", "format": "asterisk"}]}
        """.write(toFile: dir + "/svc.json", atomically: true, encoding: .utf8)
        let service = try RunCommandTests.start(dir + "/svc.json", log: dir + "/run.log")
        defer { if service.isRunning { kill(service.processIdentifier, SIGKILL) } }
        let port = try #require(RunCommandTests.port(dir + "/run.log"))
        try FileManager.default.copyItem(atPath: asterisk, toPath: dir + "/ast/Master.csv")
        try FileManager.default.copyItem(atPath: freeswitch, toPath: dir + "/fs/Master.csv")
        #expect(
            RunCommandTests.wait(30) { CommandLineTests.committed(db) == expected },
            "\(RunCommandTests.log(dir + "/run.log"))"
        )
        let lines = try String(contentsOfFile: asterisk, encoding: .utf8)
        let posted = try PushCommandTests.post(
            "http://127.0.0.1:\(port)/v1/cdrs?source=sbc",
            token: pusher,
            type: "text/csv",
            body: lines
        )
        #expect(posted.status == 200 && posted.body.contains("\"batch_stored\" : 0"), "\(posted)")
        #expect(CommandLineTests.committed(db) == expected, "the same real records pushed are duplicates")
        kill(service.processIdentifier, SIGTERM)
        service.waitUntilExit()
    }
}
