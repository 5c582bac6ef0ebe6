import Foundation
import Testing

@testable import CDRSQLite

@Suite("Locks across connections")
struct ConnectionLockTests {
    /// `SELECT count(*) FROM probe` as another process sees it (the sqlite3 shell), or nil without one.
    static func countSeenOutside(_ path: String) throws -> Int? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, "SELECT count(*) FROM probe"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Int(String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("opening another connection keeps the first one's locks, so other processes see every commit")
    func secondConnectionKeepsLocks() throws {
        let path = try temporaryDirectory() + "/cdr.db"
        let writer = try SQLiteStore(path: path)
        try writer.connection.execute("CREATE TABLE probe(x INTEGER); INSERT INTO probe VALUES (1);")
        let reader = try SQLiteStore(path: path)
        try writer.connection.execute("INSERT INTO probe VALUES (2)")
        guard let first = try Self.countSeenOutside(path) else {
            print("skipped: needs /usr/bin/sqlite3")
            return
        }
        #expect(first == 2)
        try writer.connection.execute("INSERT INTO probe VALUES (3)")
        #expect(try Self.countSeenOutside(path) == 3, "a commit after another process came and went is seen")
        withExtendedLifetime(reader) {}
    }
}
