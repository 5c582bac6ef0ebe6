import Foundation
import Testing

@Suite("cdrpipe subject and audit")
struct SubjectCommandTests {
    static let line =
        "\"\",\"07911123456\",\"02079460000\",\"c\",\"x\",\"SIP/carrier-a-00000001\",\"\",\"Dial\",\"\",\"2026-01-05 10:00:00\",\"2026-01-05 10:00:03\",\"2026-01-05 10:01:03\",63,60,\"ANSWERED\",\"DOCUMENTATION\",\"1767607200.1\",\"\"\n"

    @Test("export writes CSV files, erase deletes unless held, and every step is in a verified audit log")
    func exportEraseAudit() throws {
        let dir = try CLI.temporaryDirectory()
        let db = dir + "/cdr.db"
        #expect(try CLI.run(["ingest", "--db", db, "-"], stdin: Self.line).status == 0)
        #expect(try CLI.run(["records", "--db", db, "--number", "+447911123456"]).status == 0)

        let export = try CLI.run([
            "subject", "export", "--db", db, "--number", "07911123456", "--format", "csv", "--out", dir + "/export",
        ])
        #expect(export.status == 0, "\(export.err)")
        let records = try String(contentsOfFile: dir + "/export/records.csv", encoding: .utf8)
        #expect(records.split(separator: "\n").count == 2)
        #expect(records.contains("+447911123456"))
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/export/records.csv")[.posixPermissions]
        #expect(mode as? Int == 0o600)

        #expect(
            try CLI.run([
                "hold", "add", "--db", db, "--number", "+447911123456", "--case", "D-9", "--reason", "dispute",
            ]).status == 0
        )
        let held = try CLI.run(["subject", "erase", "--db", db, "--number", "+447911123456"])
        #expect(held.out.contains("erased 0 full records; kept 1"))
        #expect(held.out.contains("legal hold 1 (case D-9)"))
        #expect(try CLI.run(["hold", "release", "--db", db, "1"]).status == 0)
        let erased = try CLI.run(["subject", "erase", "--db", db, "--number", "+447911123456"])
        #expect(erased.out.contains("erased 1 full records; kept 0"))
        let after = try CLI.run(["records", "--db", db, "--number", "+447911123456", "--json"])
        #expect(after.out.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]")

        let list = try CLI.run(["audit", "list", "--db", db])
        let actions = ["records", "subject export", "hold add", "subject erase", "hold release"]
        for action in actions { #expect(list.out.contains(action), "\(action) missing from\n\(list.out)") }
        #expect(!list.out.contains("7911123456"))
        let verify = try CLI.run(["audit", "verify", "--db", db])
        #expect(verify.status == 0)
        #expect(verify.out.contains("intact: 7 entries"))
    }

    @Test("audit verify names the entry whose detail was altered behind the log's back")
    func tamperedAudit() throws {
        let dir = try CLI.temporaryDirectory()
        let db = dir + "/cdr.db"
        #expect(try CLI.run(["ingest", "--db", db, "-"], stdin: Self.line).status == 0)
        for _ in 0..<3 { #expect(try CLI.run(["records", "--db", db, "--number", "+447911123456"]).status == 0) }
        let sql = """
            DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'nothing to see' WHERE id = 2;
            """
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [db, sql]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let verify = try CLI.run(["audit", "verify", "--db", db])
        #expect(verify.status == 1)
        #expect(verify.err.contains("broken at entry 2"))
    }
}
