import Foundation
import Testing

@Suite("Commands that only read create nothing, and refuse what is not a number")
struct ReadOnlyCommandTests {
    @Test("audit verify and audit list on a mistyped database fail without creating it")
    func auditOnMissingDatabase() throws {
        let dir = try CLI.temporaryDirectory()
        for arguments in [["audit", "verify"], ["audit", "list"], ["users", "list"]] {
            let result = try CLI.run(arguments + ["--db", dir + "/typo.db"])
            #expect(result.status == 2, "\(arguments)")
            #expect(result.err.contains("no database at"), "\(arguments)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test("a hold on something that is not a telephone number or extension is refused")
    func holdOnWord() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.run(["generate", "--rows", "5", "-o", dir + "/a.csv"])
        #expect(try CLI.run(["ingest", "--db", dir + "/cdr.db", "--no-fraud", dir + "/a.csv"]).status == 0)
        let refused = try CLI.run([
            "hold", "add", "--db", dir + "/cdr.db", "--number", "hello", "--case", "C-1", "--reason", "dispute",
        ])
        #expect(refused.status == 2)
        #expect(refused.err.contains("not a telephone number"))
        let accepted = try CLI.run([
            "hold", "add", "--db", dir + "/cdr.db", "--number", "201", "--case", "C-2", "--reason", "dispute",
        ])
        #expect(accepted.status == 0, "\(accepted.err)")
    }
}

@Suite("An alert report that cannot be written")
struct ReportFailureTests {
    @Test("ingest still prints its summary, exits 1 (not 2) and says where the alerts are")
    func unwritableOutbox() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.run(["generate", "--rows", "3000", "--inject", "irsf:2", "-o", dir + "/calls.csv"])
        try Data().write(to: URL(fileURLWithPath: dir + "/file"))
        let result = try CLI.run([
            "ingest", "--db", dir + "/cdr.db", "--outbox", dir + "/file/outbox", dir + "/calls.csv",
        ])
        #expect(result.status == 4)
        #expect(result.out.contains("records stored"))
        #expect(result.err.contains("alert report could not be written") && result.err.contains("cdrpipe alerts"))
        #expect(!result.err.contains("(null)"))
    }
}

@Suite("Exit codes a script can act on")
struct ExitCodeTests {
    @Test("an ingest while another holds the database exits 3, not 1 (some records rejected)")
    func busyDatabase() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.run(["generate", "--rows", "5", "-o", dir + "/a.csv"])
        #expect(try CLI.run(["ingest", "--db", dir + "/cdr.db", "--no-fraud", dir + "/a.csv"]).status == 0)
        let fd = open(dir + "/cdr.db", O_RDONLY)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let busy = try CLI.run(["ingest", "--db", dir + "/cdr.db", "--no-fraud", dir + "/a.csv"])
        #expect(busy.status == 3)
        #expect(busy.err.contains("another cdrpipe ingest is running"))
    }

    @Test("an operating-system failure to read or write exits 4, naming the file and the reason")
    func ioError() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.run(["generate", "--rows", "5", "-o", dir + "/a.csv"])
        let rejects = try CLI.run([
            "ingest", "--db", dir + "/cdr.db", "--no-fraud", "--rejects", dir + "/missing/r.jsonl", dir + "/a.csv",
        ])
        #expect(rejects.status == 4)
        #expect(rejects.err.contains(dir + "/missing/r.jsonl") && rejects.err.contains("No such file or directory"))
        try FileManager.default.createDirectory(atPath: dir + "/ro", withIntermediateDirectories: true)
        let database = try CLI.run(["ingest", "--db", dir + "/ro", "--no-fraud", dir + "/a.csv"])
        #expect(database.status == 4, "\(database.err)")
        #expect(database.err.contains(dir + "/ro"), "\(database.err)")
    }

    @Test("two processes opening one new database at once both migrate it without a clash")
    func concurrentMigration() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.run(["generate", "--rows", "5", "-o", dir + "/a.csv"])
        for round in 0..<4 {
            let db = dir + "/cdr-\(round).db"
            let runs = (0..<4).map { CLI.process(["users", "add", "--db", db, "--role", "analyst", "u\($0)"]) }
            for run in runs { try run.run() }
            for run in runs {
                let err = (run.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
                run.waitUntilExit()
                #expect(run.terminationStatus == 0, "\(String(decoding: err, as: UTF8.self))")
            }
        }
    }
}
