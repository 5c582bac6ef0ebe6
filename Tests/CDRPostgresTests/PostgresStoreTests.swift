import CDRModel
import Foundation
import PostgresNIO
import Testing

@testable import CDRPostgres

/// A fresh database on the test server named by `CDRPIPE_TEST_POSTGRES` (an admin URL such as
/// `postgres://postgres@127.0.0.1:55432/postgres`, which `.ci/run` starts); nil when none is configured.
struct PostgresScratch {
    static var adminURL: String? { ProcessInfo.processInfo.environment["CDRPIPE_TEST_POSTGRES"] }

    let url: String

    init?() throws {
        guard let admin = Self.adminURL else {
            print("skipped: set CDRPIPE_TEST_POSTGRES to a PostgreSQL admin URL (.ci/run starts a server)")
            return nil
        }
        let location = try PostgresLocation(url: admin)
        let name = "cdrpipe_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try PostgresSession(location).execute("CREATE DATABASE \(name)", "creating \(name)")
        var scratch = location
        scratch.database = String(name)
        url = "postgres://\(scratch.user)@\(scratch.host):\(scratch.port)/\(scratch.database)"
    }

    func store() throws -> PostgresStore { try PostgresStore(try PostgresLocation(url: url)) }
}

func calls(
    _ count: Int,
    from start: Int64,
    caller: String = "+447700900001",
    tag: UInt64 = 0
) -> [(CallRecord, RecordKey)] {
    (0..<count).map { index in
        let at = start + Int64(index) * 3_600
        return (
            CallRecord(
                calling: caller,
                dialled: "+33612345678",
                diverting: index % 3 == 0 ? ["+447700900099", "odd\"one\\x"] : [],
                start: at,
                answer: index % 2 == 0 ? at + 4 : nil,
                end: at + 64,
                duration: 64,
                billable: index % 2 == 0 ? 60 : 0,
                disposition: index % 2 == 0 ? .answered : .noAnswer,
                carrier: "tab\there",
                channel: "SIP/x",
                sourceLine: index + 1
            ),
            RecordKey(high: tag, low: UInt64(index))
        )
    }
}

extension PostgresStore {
    /// Claims a test file for worker `w` by a made-up hash; records an issue and returns nil when refused.
    func claimForTest(_ path: String, hash: UInt8) throws -> Int64? {
        let claim = try claim(
            path: path,
            sha256: [UInt8](repeating: hash, count: 32),
            size: 1,
            worker: "w",
            leaseSeconds: 60
        )
        guard case .claimed(let id, _) = claim else {
            Issue.record("no claim on \(path): \(claim)")
            return nil
        }
        return id
    }

    /// Stores records of a test file claimed by worker `w`; returns how many were new.
    func loadForTest(_ records: [(CallRecord, RecordKey)], fileID: Int64, path: String) throws -> Int64 {
        try store(records, rejected: 0, fileID: fileID, path: path, worker: "w", leaseSeconds: 60)
    }
}

@Suite("PostgreSQL store", .serialized)
struct PostgresStoreTests {
    @Test("a URL is parsed with its parts and printed without its password")
    func location() throws {
        let location = try PostgresLocation(url: "postgres://cdr:s%40cret@db.example.net:6543/cdrs?sslmode=require")
        #expect(location.user == "cdr")
        #expect(location.password == "s@cret")
        #expect(location.host == "db.example.net")
        #expect(location.port == 6543)
        #expect(location.database == "cdrs")
        #expect(!location.description.contains("cret"))
        #expect(location.tls == .require)
        #expect(try PostgresLocation(url: "postgres://h/db").tls == .prefer)
        #expect(throws: PostgresStoreError.self) { try PostgresLocation(url: "postgres://h/db?sslmode=sometimes") }
        #expect(throws: PostgresStoreError.self) { try PostgresLocation(url: "postgres://h/db?options=x") }
        #expect(throws: PostgresStoreError.self) { try PostgresLocation(url: "postgres://host") }
        #expect(throws: PostgresStoreError.self) { try PostgresLocation(url: "postgres://h:99999/db") }
    }

    @Test("sslmode=require encrypts the connection, disable does not, verify-full refuses an unknown certificate")
    func transportSecurity() throws {
        guard let admin = PostgresScratch.adminURL else { return }
        func encrypted(_ mode: String) throws -> Bool {
            let session = try PostgresSession(try PostgresLocation(url: admin + "?sslmode=" + mode))
            let (rows, _) = try session.query(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                "reading the connection's TLS state"
            )
            return try rows.first?.decode(Bool.self) ?? false
        }
        guard try encrypted("prefer") else {
            print("skipped: the test server has no TLS (scripts/with-postgres.sh turns it on when openssl exists)")
            return
        }
        #expect(try encrypted("require"))
        #expect(try !encrypted("disable"))
        #expect(throws: PostgresStoreError.self) { try encrypted("verify-full") }
    }

    @Test(
        "a large batch meeting stored records mid-copy falls back to the deduplicating load",
        .timeLimit(.minutes(1))
    )
    func duplicateInLargeBatch() throws {
        guard let scratch = try PostgresScratch() else { return }
        let store = try scratch.store()
        guard let id = try store.claimForTest("big.csv", hash: 3) else { return }
        let start = CivilTime.parseISO("2026-02-01T00:00:00Z")!
        let batch = calls(40_000, from: start)
        #expect(
            try store.store(
                Array(batch[20_000..<20_010]),
                rejected: 0,
                fileID: id,
                path: "big.csv",
                worker: "w",
                leaseSeconds: 60
            )
                == 10
        )
        #expect(
            try store.store(batch, rejected: 0, fileID: id, path: "big.csv", worker: "w", leaseSeconds: 60) == 39_990
        )
        #expect(try store.recordCount() == 40_000)
        #expect(try store.fileTotals().duplicates == 10)
    }

    @Test("a session whose connection the server dropped connects again, with a fresh staging table")
    func reconnects() throws {
        guard let scratch = try PostgresScratch() else { return }
        let store = try scratch.store()
        guard let id = try store.claimForTest("r.csv", hash: 9) else { return }
        let start = CivilTime.parseISO("2026-03-01T00:00:00Z")!
        func load(_ count: Int) throws -> Int64 {
            try store.loadForTest(calls(count, from: start), fileID: id, path: "r.csv")
        }
        #expect(try load(4) == 4)
        #expect(try load(6) == 2, "the duplicates went through the staging table")
        let (rows, _) = try store.session.query("SELECT pg_backend_pid()", "reading the backend pid")
        let pid = try rows.first?.decode(Int32.self) ?? 0
        try PostgresSession(try PostgresLocation(url: scratch.url)).query(
            "SELECT pg_terminate_backend(\(pid))",
            "dropping the connection"
        )
        Thread.sleep(forTimeInterval: 0.3)
        _ = try? store.recordCount()
        #expect(try store.recordCount() == 6)
        #expect(store.session.generation == 2)
        #expect(try load(8) == 2, "the staging table is made again on the new connection")
    }

    @Test("claims: one worker at a time, taken over after the lease, the loser's batch rolled back")
    func claims() throws {
        guard let scratch = try PostgresScratch() else { return }
        let a = try scratch.store()
        let b = try scratch.store()
        let sha = [UInt8](repeating: 7, count: 32)
        guard
            case .claimed(let id, false) = try a.claim(
                path: "f.csv",
                sha256: sha,
                size: 1,
                worker: "a",
                leaseSeconds: 1
            )
        else {
            Issue.record("a should claim")
            return
        }
        #expect(try b.claim(path: "f.csv", sha256: sha, size: 1, worker: "b", leaseSeconds: 1) == .busy(worker: "a"))
        let start = CivilTime.parseISO("2026-01-31T20:00:00Z")!
        #expect(
            try a.store(calls(3, from: start), rejected: 1, fileID: id, path: "f.csv", worker: "a", leaseSeconds: 1)
                == 3
        )
        Thread.sleep(forTimeInterval: 1.3)
        #expect(
            try b.claim(path: "f.csv", sha256: sha, size: 1, worker: "b", leaseSeconds: 30)
                == .claimed(id: id, takenOver: true)
        )
        #expect(throws: PostgresStoreError.self) {
            try a.store(
                calls(5, from: start, tag: 9),
                rejected: 0,
                fileID: id,
                path: "f.csv",
                worker: "a",
                leaseSeconds: 1
            )
        }
        #expect(
            try b.store(calls(6, from: start), rejected: 0, fileID: id, path: "f.csv", worker: "b", leaseSeconds: 30)
                == 3
        )
        try b.finish(fileID: id, worker: "b", dialect: "test")
        #expect(
            try a.claim(path: "g.csv", sha256: sha, size: 1, worker: "a", leaseSeconds: 1) == .loaded(path: "f.csv")
        )
        #expect(try a.recordCount() == 6)
        let totals = try a.fileTotals()
        #expect(totals.files == ["loaded": 1])
        #expect(totals.stored == 6)
        #expect(totals.duplicates == 3)
        #expect(totals.rejected == 1)
    }

    @Test("records land in month partitions, round-trip their text, and a dropped partition takes its month")
    func partitions() throws {
        guard let scratch = try PostgresScratch() else { return }
        let store = try scratch.store()
        guard let id = try store.claimForTest("p.csv", hash: 1) else { return }
        let start = CivilTime.parseISO("2026-01-31T20:00:00Z")!
        #expect(try store.loadForTest(calls(10, from: start), fileID: id, path: "p.csv") == 10)
        let january = EpochSeconds(start).day.month
        #expect(try store.partitionMonths() == [january, january.next])
        let (rows, _) = try store.session.query(
            "SELECT carrier, diverting FROM records WHERE line = 1",
            "reading back"
        )
        let (carrier, diverting) = try rows[0].decode((String, [String]).self)
        #expect(carrier == "tab\there")
        #expect(diverting == ["+447700900099", "odd\"one\\x"])
        let (idRows, _) = try store.session.query("SELECT id, start_at FROM records ORDER BY id", "listing ids")
        let stored = try idRows.map { try $0.decode((Int64, Int64).self) }
        let cited = try store.records(ids: stored.map(\.0) + [-1], startedIn: start...(start + 3 * 3600))
        #expect(Set(cited.keys) == Set(stored.filter { $0.1 <= start + 3 * 3600 }.map(\.0)) && cited.count == 4)
        #expect(cited.values.allSatisfy { $0.carrier == "tab\there" })
        try store.dropPartition(month: january)
        #expect(try store.recordCount() == 6, "20:00–23:00 on 31 January went with its partition")
        #expect(try store.partitionMonths() == [january.next])
    }

    @Test("numbers compare byte for byte in every partition, whatever the server's default collation")
    func numberCollation() throws {
        guard let scratch = try PostgresScratch() else { return }
        let store = try scratch.store()
        guard let id = try store.claimForTest("c.csv", hash: 2) else { return }
        let start = CivilTime.parseISO("2026-03-01T10:00:00Z")!
        _ = try store.loadForTest(calls(3, from: start), fileID: id, path: "c.csv")
        let (rows, _) = try store.session.query(
            """
            SELECT table_name || '.' || column_name || '=' || coalesce(collation_name, '') FROM information_schema.columns
            WHERE table_name LIKE 'records%' AND column_name IN ('calling', 'dialled') ORDER BY 1
            """,
            "reading collations"
        )
        let collations = try rows.map { try $0.decode(String.self) }
        #expect(collations.count == 4, "the parent and its March partition: \(collations)")
        #expect(collations.allSatisfy { $0.hasSuffix("=C") }, "\(collations)")
    }
}
