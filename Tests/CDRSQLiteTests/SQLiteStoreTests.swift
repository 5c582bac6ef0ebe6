import CDRModel
import CDRStorage
import Foundation
import Testing

@testable import CDRSQLite

func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func sample(_ n: Int, calling: String = "+447911000001", diverting: [String] = []) -> CallRecord {
    CallRecord(
        calling: calling,
        dialled: "+44207946\(1000 + n)",
        diverting: diverting,
        start: 1_767_607_200 + Int64(n) * 60,
        answer: 1_767_607_205 + Int64(n) * 60,
        end: 1_767_607_265 + Int64(n) * 60,
        duration: 65,
        billable: 60,
        disposition: .answered,
        carrier: "SIP/carrier-a",
        channel: "SIP/carrier-a-1",
        sourceID: "id\(n)",
        sourceLine: n
    )
}

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test("a new database is created with mode 0600, WAL, and the current schema")
    func creation() throws {
        let path = try temporaryDirectory() + "/cdr.db"
        let store = try SQLiteStore(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try store.schemaVersionInDatabase() == SQLiteStore.schemaVersion)
        let journal = try store.connection.prepare("PRAGMA journal_mode")
        _ = try journal.step()
        #expect(journal.text(0) == "wal")
        _ = try SQLiteStore(path: path)
        #expect(try store.schemaVersionInDatabase() == SQLiteStore.schemaVersion)
    }

    @Test("the same content key is stored once; different keys are stored")
    func dedupe() throws {
        let store = try SQLiteStore(path: try temporaryDirectory() + "/cdr.db")
        let file = try store.beginFile(path: "a.csv", size: 1, headSHA256: [1], sha256: [1], dialect: "asterisk")
        #expect(try store.insert(sample(1), key: RecordKey(high: 1, low: 1), fileID: file))
        #expect(try !store.insert(sample(1), key: RecordKey(high: 1, low: 1), fileID: file))
        #expect(try store.insert(sample(1), key: RecordKey(high: 1, low: 2), fileID: file))
        try store.finishFile(
            id: file,
            sha256: [1],
            size: 1,
            offset: 0,
            line: 1,
            counts: LoadCounts(stored: 2, duplicates: 1)
        )
        #expect(try store.recordCount() == 2)
        #expect(try store.loadedFile(sha256: [1])?.counts == LoadCounts(stored: 2, duplicates: 1))
    }

    @Test("records of a number are found as calling, dialled and diverting party, within the dates")
    func recordsOfANumber() throws {
        let store = try SQLiteStore(path: try temporaryDirectory() + "/cdr.db")
        let file = try store.beginFile(path: "a.csv", size: 1, headSHA256: [2], sha256: [2], dialect: "mapped")
        var id: UInt64 = 0
        for n in 0..<5 {
            id += 1
            _ = try store.insert(sample(n * 1500), key: RecordKey(high: id, low: 0), fileID: file)
        }
        id += 1
        _ = try store.insert(
            sample(7, calling: "+447700900999", diverting: ["+447911000001"]),
            key: RecordKey(high: id, low: 0),
            fileID: file
        )
        try store.finishFile(id: file, sha256: [2], size: 1, offset: 0, line: 1, counts: LoadCounts(stored: 6))
        let all = try store.records(number: "+447911000001")
        #expect(all.count == 6)
        #expect(all.map(\.record.start) == all.map(\.record.start).sorted())
        #expect(all.contains { $0.record.diverting == ["+447911000001"] && $0.file == "a.csv" })
        let dialled = try store.records(number: "+442079461000")
        #expect(dialled.count == 1)
        let window = try store.records(
            number: "+447911000001",
            from: 1_767_607_200 + 1500 * 60,
            to: 1_767_607_200 + 3000 * 60
        )
        #expect(window.map(\.record.sourceID) == ["id1500", "id3000"])
        #expect(try store.records(number: "+449999999999").isEmpty)
    }

    @Test("a failed file's committed records are removed, others kept")
    func failFile() throws {
        let store = try SQLiteStore(path: try temporaryDirectory() + "/cdr.db")
        let keep = try store.beginFile(path: "keep.csv", size: 1, headSHA256: [3], sha256: [3], dialect: "asterisk")
        _ = try store.insert(sample(1), key: RecordKey(high: 9, low: 9), fileID: keep)
        try store.finishFile(id: keep, sha256: [3], size: 1, offset: 0, line: 1, counts: LoadCounts(stored: 1))
        let bad = try store.beginFile(path: "bad.csv.gz", size: 1, headSHA256: [4], sha256: [4], dialect: "asterisk")
        _ = try store.insert(sample(2, diverting: ["+447700900111"]), key: RecordKey(high: 8, low: 8), fileID: bad)
        try store.checkpoint(
            fileID: bad,
            offset: 10,
            line: 2,
            counts: LoadCounts(stored: 1),
            prefixBytes: 10,
            prefixSHA256: [5]
        )
        _ = try store.insert(sample(3), key: RecordKey(high: 7, low: 7), fileID: bad)
        try store.failFile(id: bad, reason: "truncated gzip")
        #expect(try store.recordCount() == 1)
        #expect(try store.records(number: "+447700900111").isEmpty)
        let failed = try store.files().first { $0.id == bad }
        #expect(failed?.status == .failed && failed?.error == "truncated gzip")
    }
}

@Suite("Users")
struct UserStoreTests {
    @Test("a token finds its user until revoked; only its SHA-256 is stored")
    func tokens() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-users-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("cdr.db").path)
        let token = try store.addUser(name: "ana", role: "analyst", at: 100)
        let other = try store.addUser(name: "fred", role: "fraud", at: 100)
        #expect(token != other)
        #expect(try store.user(token: token)?.name == "ana")
        #expect(try store.user(token: token + "x") == nil)
        let stored = try store.connection.prepare("SELECT token_hash FROM users WHERE name = 'ana'")
        _ = try stored.step()
        #expect(stored.blob(0) == UserRow.tokenHash(token))
        let leaked = try store.connection.prepare(
            "SELECT count(*) FROM users WHERE CAST(token_hash AS TEXT) LIKE '%cdr_%'"
        )
        _ = try leaked.step()
        #expect(leaked.int(0) == 0)
        #expect(try store.revokeUser(name: "ana", at: 200))
        #expect(try store.user(token: token) == nil)
        #expect(try store.revokeUser(name: "ana", at: 300) == false)
        #expect(try store.user(token: other)?.role == "fraud")
        #expect(throws: StoreError.self) { _ = try store.addUser(name: "eve", role: "boss", at: 100) }
    }
}
