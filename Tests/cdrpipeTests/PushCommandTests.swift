import Foundation
import Synchronization
import Testing

@Suite("cdrpipe run: CDRs pushed over HTTP", .serialized)
struct PushCommandTests {
    static let curl = "/usr/bin/curl"

    /// Posts `body` with curl and returns the status and body.
    static func post(_ url: String, token: String?, type: String, body: String) throws -> (status: Int, body: String) {
        var arguments = ["-s", "--max-time", "20", "-w", "\n%{http_code}", "-H", "Content-Type: \(type)"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        arguments += ["--data-binary", body, url]
        let out = try ServeCommandTests.tool(curl, arguments)?.out ?? ""
        let parts = out.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(parts.last ?? "") ?? 0, parts.dropLast().joined(separator: "\n"))
    }

    static func token(_ db: String, role: String, name: String) throws -> String {
        let added = try CLI.run(["users", "add", "--db", db, "--role", role, name])
        return added.out.split(whereSeparator: \.isWhitespace).last { $0.count >= 30 }.map(String.init) ?? ""
    }

    /// A fresh folder, its database path and an `ingest` token in it; nil (skipped) without curl.
    static func scratch() throws -> (dir: String, db: String, token: String)? {
        guard FileManager.default.isExecutableFile(atPath: curl) else {
            print("skipped: needs /usr/bin/curl")
            return nil
        }
        let dir = try CLI.temporaryDirectory()
        return (dir, dir + "/cdr.db", try token(dir + "/cdr.db", role: "ingest", name: "sbc1"))
    }

    static func document(uuid: String, caller: String, start: Int) -> String {
        """
        {"variables":{"uuid":"\(uuid)","start_epoch":"\(start)","answer_epoch":"\(start + 3)","end_epoch":"\(start + 63)",\
        "duration":"63","billsec":"60","hangup_cause":"NORMAL_CLEARING"},\
        "callflow":[{"profile_index":"1","caller_profile":{"caller_id_number":"\(caller)","destination_number":"01632960001"}}]}
        """
    }

    @Test(
        "posts are stored once each, retried posts store nothing, bad ones are refused by field, a crash's spool loads"
    )
    func push() throws {
        guard let (dir, db, pusher) = try Self.scratch() else { return }
        let analyst = try Self.token(db, role: "analyst", name: "ann")
        try FileManager.default.createDirectory(atPath: db + ".push", withIntermediateDirectories: true)
        try Self.spoolLine.write(toFile: db + ".push/sbc.1.ab12cd34.freeswitch.csv", atomically: true, encoding: .utf8)
        try """
        {"store": {"db": "cdr.db"}, "pollSeconds": 0.2, "sources": [{"name": "sbc", "staleMinutes": 60, "carrier": "sbc-west"},
             {"name": "idle", "staleMinutes": 0.02}],
         "fraud": {"quietSeconds": 0.5, "rules": "rules.json"}, "server": {"port": 0}}
        """.write(toFile: dir + "/svc.json", atomically: true, encoding: .utf8)
        let rules = try String(contentsOf: CLI.root.appendingPathComponent("config/fraud-rules.json"), encoding: .utf8)
        try rules.write(toFile: dir + "/rules.json", atomically: true, encoding: .utf8)
        let service = try RunCommandTests.start(dir + "/svc.json", log: dir + "/run.log")
        defer { if service.isRunning { kill(service.processIdentifier, SIGKILL) } }
        let port = try #require(RunCommandTests.port(dir + "/run.log"))
        let url = "http://127.0.0.1:\(port)/v1/cdrs?source=sbc"
        #expect(
            RunCommandTests.wait(10) { CommandLineTests.committed(db) == 1 },
            "the spool file a crash left is loaded"
        )

        let first = try Self.post(
            url,
            token: pusher,
            type: "application/json",
            body: Self.document(uuid: "u-1", caller: "07700900461", start: 1_793_610_901)
        )
        #expect(first.status == 200 && first.body.contains("\"batch_stored\" : 1"), "\(first)")
        let retry = try Self.post(
            url,
            token: pusher,
            type: "application/json",
            body: Self.document(uuid: "u-1", caller: "07700900461", start: 1_793_610_901)
        )
        #expect(retry.status == 200 && retry.body.contains("\"batch_duplicates\" : 1"), "\(retry)")
        #expect(CommandLineTests.committed(db) == 2)

        let group = DispatchGroup()
        let answers = Mutex<[Int]>([])
        for index in 0..<24 {
            group.enter()
            DispatchQueue.global().async {
                let body = Self.document(
                    uuid: "c-\(index)",
                    caller: "0770090\(1000 + index)",
                    start: 1_793_620_000 + index
                )
                let status = (try? Self.post(url, token: pusher, type: "application/json", body: body).status) ?? 0
                answers.withLock { $0.append(status) }
                group.leave()
            }
        }
        group.wait()
        let answered = answers.withLock { $0 }
        #expect(answered.count == 24 && answered.allSatisfy { $0 == 200 }, "\(answered)")
        #expect(CommandLineTests.committed(db) == 26, "each concurrent post committed before its 200")

        let csv =
            #""","07700900461","01632960002","default","07700900461","SIP/a","SIP/b","Dial","x","2026-11-02 09:00:00","#
            + #""2026-11-02 09:00:05","2026-11-02 09:01:05",65,60,"ANSWERED","DOCUMENTATION","csv-1","""# + "\n"
        let records =
            #"[{"calling":"07700900461","dialled":"01632960003","start":"2026-11-02T10:00:00Z","duration":5}]"#
        #expect(try Self.post(url, token: pusher, type: "text/csv", body: csv).status == 200)
        #expect(try Self.post(url, token: pusher, type: "application/json", body: records).status == 200)
        #expect(CommandLineTests.committed(db) == 28)

        let missing = try Self.post(
            url,
            token: pusher,
            type: "application/json",
            body: #"{"variables":{"end_epoch":"1"}}"#
        )
        #expect(missing.status == 400 && missing.body.contains("variables.start_epoch"), "\(missing)")
        let badCSV = try Self.post(url, token: pusher, type: "text/csv", body: "\"a\",\"b\"\n")
        #expect((400..<500).contains(badCSV.status), "\(badCSV)")
        #expect(try Self.post(url, token: analyst, type: "application/json", body: records).status == 403)
        #expect(try Self.post(url, token: nil, type: "application/json", body: records).status == 401)
        #expect(
            try Self.post(url + "?source=other", token: pusher, type: "application/json", body: records).status == 404
        )
        #expect(CommandLineTests.committed(db) == 28, "nothing refused was stored")

        let metrics =
            try ServeCommandTests.tool(
                Self.curl,
                ["-s", "-H", "Authorization: Bearer \(pusher)", "http://127.0.0.1:\(port)/metrics"]
            )?.out ?? ""
        #expect(metrics.contains("cdrpipe_source_pushes_total{source=\"sbc\"} 28"), "\(metrics.suffix(600))")
        #expect(
            CommandLineTests.scalar(db, "SELECT count(*) FROM records WHERE carrier = 'sbc-west'") == 27,
            "the source's carrier label on every pushed record naming none (the CSV line names its channel)"
        )
        var health: String?
        _ = RunCommandTests.wait(10) {
            health = try? ServeCommandTests.tool(
                Self.curl,
                ["-s", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)/healthz"]
            )?.out
            return health?.hasSuffix("503") == true
        }
        #expect(
            health?.hasPrefix("stale: idle: no CDRs since start") == true && health?.hasSuffix("503") == true,
            "\(health ?? "")"
        )
        #expect(health?.contains("sbc") == false)
        try "{ not rules".write(toFile: dir + "/rules.json", atomically: true, encoding: .utf8)
        kill(service.processIdentifier, SIGHUP)
        #expect(RunCommandTests.wait(10) { RunCommandTests.log(dir + "/run.log").contains("reload refused") })
        try rules.write(toFile: dir + "/rules.json", atomically: true, encoding: .utf8)
        kill(service.processIdentifier, SIGHUP)
        #expect(
            RunCommandTests.wait(10) {
                RunCommandTests.log(dir + "/run.log").contains("rules and risk ranges reloaded")
            }
        )
        let after = Self.document(uuid: "after-hup", caller: "07700900461", start: 1_793_640_000)
        #expect(try Self.post(url, token: pusher, type: "application/json", body: after).status == 200)
        kill(service.processIdentifier, SIGTERM)
        service.waitUntilExit()
        #expect(service.terminationStatus == 0)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: db + ".push"))?.isEmpty == true, "spool emptied")
        let mode = try FileManager.default.attributesOfItem(atPath: db + ".push")[.posixPermissions] as? Int
        #expect(mode == 0o700, "the spool holds numbers: owner only")
    }

    @Test("kill -9 with posts in flight, restart, senders retry what got no 200: every record stored once")
    func killWithPostsInFlight() throws {
        guard let (dir, db, pusher) = try Self.scratch() else { return }
        try """
        {"store": {"db": "cdr.db"}, "pollSeconds": 0.2, "sources": [{"name": "sbc"}], "server": {"port": 0}}
        """.write(toFile: dir + "/svc.json", atomically: true, encoding: .utf8)
        func start(_ log: String) throws -> (Process, String) {
            let service = try RunCommandTests.start(dir + "/svc.json", log: dir + "/" + log)
            let port = RunCommandTests.port(dir + "/" + log) ?? "0"
            return (service, "http://127.0.0.1:\(port)/v1/cdrs")
        }
        let total = 160
        let bodies = (0..<total).map {
            Self.document(uuid: "k-\($0)", caller: "0770091\(1000 + $0)", start: 1_793_630_000 + $0)
        }
        let (first, url) = try start("first.log")
        let answered = Mutex<[Int: Int]>([:])
        let group = DispatchGroup()
        for worker in 0..<8 {
            group.enter()
            DispatchQueue.global().async {
                for index in stride(from: worker, to: total, by: 8) {
                    let status =
                        (try? Self.post(url, token: pusher, type: "application/json", body: bodies[index]).status) ?? 0
                    answered.withLock { $0[index] = status }
                }
                group.leave()
            }
        }
        _ = RunCommandTests.wait(30) { answered.withLock { $0.values.filter { $0 == 200 }.count } >= 40 }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        group.wait()
        let acknowledged = answered.withLock { $0.filter { $0.value == 200 }.map(\.key) }
        #expect(
            acknowledged.count >= 40 && acknowledged.count < total,
            "killed mid-stream: \(acknowledged.count) of \(total)"
        )

        let (second, again) = try start("second.log")
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        let ids = Set(CommandLineTests.rows(db, "SELECT source_id FROM records"))
        #expect(acknowledged.allSatisfy { ids.contains("k-\($0)") }, "every 200 survived the kill")
        for index in 0..<total where !acknowledged.contains(index) {
            #expect(try Self.post(again, token: pusher, type: "application/json", body: bodies[index]).status == 200)
        }
        #expect(CommandLineTests.committed(db) == Int64(total))
        #expect(CommandLineTests.scalar(db, "SELECT count(DISTINCT source_id) FROM records") == Int64(total))
        kill(second.processIdentifier, SIGTERM)
        second.waitUntilExit()
    }

    /// A spool file's line as an earlier run, killed before loading it, would have left it (push template).
    static let spoolLine =
        #""07700900999","01632960001","1793600000","1793600003","1793600063","63","60","NORMAL_CLEARING","left-1","","","""#
        + "\n"
}
