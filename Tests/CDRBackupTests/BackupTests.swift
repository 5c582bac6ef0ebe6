import CDRModel
import CDRRetention
import CDRSQLite
import CDRStorage
import CDRSubjects
import Foundation
import Testing

@testable import CDRBackup

/// A database in a fresh folder, a shelf beside it, and a key.
struct BackupFixture {
    let directory: String
    let db: String
    let shelf: BackupShelf
    let key: BackupKey

    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-bk-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        db = directory + "/cdr.db"
        shelf = try BackupShelf(directory: directory + "/backups")
        key = try BackupKey(path: directory + "/backup.key", create: true)
        _ = try SQLiteStore(path: db)
    }

    /// Stores `count` calls of `caller`, one a minute from `start`, as one file; returns the store.
    @discardableResult
    func load(
        count: Int,
        caller: String = "+447700900001",
        start: Int64,
        tag: UInt64 = 0,
        store: SQLiteStore? = nil
    )
        throws -> SQLiteStore
    {
        let store = try store ?? SQLiteStore(path: db)
        let file = try store.beginFile(
            path: "f-\(UUID().uuidString)",
            size: 1,
            headSHA256: [UInt8](repeating: 0, count: 32),
            sha256: nil,
            dialect: "test"
        )
        for index in 0..<count {
            let at = start + Int64(index) * 60
            let record = CallRecord(
                calling: caller,
                dialled: "+4420794600\(index % 90 + 10)",
                start: at,
                answer: at + 3,
                end: at + 63,
                duration: 63,
                billable: 60,
                disposition: .answered,
                carrier: "CARR"
            )
            _ = try store.insert(record, key: RecordKey(high: tag, low: UInt64(index)), fileID: file)
        }
        try store.finishFile(
            id: file,
            sha256: Array(UUID().uuidString.utf8.prefix(32)),
            size: 1,
            offset: 1,
            line: count,
            counts: LoadCounts(stored: Int64(count))
        )
        return store
    }

    var policy: RetentionPolicy { RetentionPolicy() }

    func restorer() -> Restorer { Restorer(shelf: shelf, key: key, actor: "test") }

    func restore(
        _ manifest: BackupManifest,
        into path: String? = nil,
        force: Bool = true,
        withoutLaterHolds: Bool = false
    ) throws
        -> Restorer.Outcome
    {
        try restorer().restore(
            manifest.payload,
            into: path ?? db,
            keyDirectory: db + ".keys",
            policy: policy,
            force: force,
            withoutLaterHolds: withoutLaterHolds
        )
    }
}

@Suite("Backups and restores")
struct BackupTests {
    static let day: Int64 = 86_400

    @Test("a backup taken during a concurrent load is consistent, and a restore gives exactly its counts")
    func concurrentLoad() throws {
        let fixture = try BackupFixture()
        let now = SQLiteStore.now()
        try fixture.load(count: 20_000, start: now - 5 * Self.day)
        let loading = Thread {
            guard let store = try? SQLiteStore(path: fixture.db) else { return }
            for batch in 1...40 {
                _ = try? fixture.load(count: 500, start: now - 4 * Self.day, tag: UInt64(batch), store: store)
            }
        }
        loading.start()
        let manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        while !loading.isFinished { usleep(10_000) }
        let after = try SQLiteStore(path: fixture.db).recordCount()
        #expect(after == 40_000)
        #expect(manifest.records >= 20_000 && manifest.records <= after)
        #expect(manifest.records % 500 == 0)
        try fixture.shelf.verify(try fixture.shelf.entry(manifest.payload), key: fixture.key)

        let target = fixture.directory + "/restored.db"
        let outcome = try fixture.restore(manifest, into: target, force: false, withoutLaterHolds: true)
        #expect(outcome.keptAside == nil)
        #expect(outcome.recoveredTo == "data recovered to \(CivilTime.iso8601(manifest.createdAt))")
        let (counts, _) = try BackupShelf.census(target)
        #expect(counts["records"] == manifest.records)
        #expect(counts["files"] == manifest.counts["files"])
        #expect(counts["audit_log"] == (manifest.counts["audit_log"] ?? 0) + 2, "the retention run and the restore")
        let audit = try SQLiteStore(path: target).auditEntries().last!
        #expect(audit.action == "restore")
        #expect(audit.detail.contains(outcome.recoveredTo))
    }

    @Test("records that expired or were erased after the backup stay gone after a restore")
    func expiredAndErasedStayGone() throws {
        let fixture = try BackupFixture()
        let now = SQLiteStore.now()
        let old = CivilTime.adding(months: -7, to: now)
        try fixture.load(count: 50, caller: "+447700900001", start: old, tag: 1)
        try fixture.load(count: 30, caller: "+447700900002", start: now - 10 * Self.day, tag: 2)
        try fixture.load(count: 20, caller: "+447700900003", start: now - 9 * Self.day, tag: 3)
        let manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        #expect(manifest.records == 100)

        let store = try SQLiteStore(path: fixture.db)
        let vault = try KeyVault(directory: fixture.db + ".keys")
        _ = try Retainer(store: store, policy: fixture.policy, vault: vault, actor: "test").run(asOf: now)
        let desk = SubjectDesk(store: store, vault: vault, actor: "test", homeCountryCode: "44")
        #expect(try desk.erase("+447700900002").erased == 30)
        #expect(try store.recordCount() == 20)

        let outcome = try fixture.restore(manifest)
        #expect(outcome.expired == 50)
        #expect(outcome.erased == 30)
        #expect(outcome.keptAside != nil)
        let restored = try SQLiteStore(path: fixture.db)
        #expect(try restored.recordCount() == 20)
        #expect(try restored.records(number: "+447700900002").isEmpty)
        #expect(try restored.records(number: "+447700900003").count == 20)
        #expect(FileManager.default.fileExists(atPath: outcome.keptAside!))
    }

    @Test("prune keeps the policy's days, and never the newest good backup")
    func prune() throws {
        let fixture = try BackupFixture()
        try fixture.load(count: 10, start: SQLiteStore.now() - Self.day)
        let now = SQLiteStore.now()
        var made: [BackupManifest] = []
        for age in [40, 31, 29, 1] as [Int64] {
            var manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
            manifest.createdAt = now - age * Self.day
            manifest.sign(fixture.key)
            try BackupShelf.writeAtomically(
                manifest.encoded(),
                to: fixture.shelf.directory + "/" + BackupManifest.fileName(payload: manifest.payload)
            )
            made.append(manifest)
        }
        let removed = try fixture.shelf.prune(keepDays: 30, now: now)
        #expect(removed.map(\.payload) == [made[0].payload, made[1].payload])
        #expect(fixture.shelf.list().map { $0.manifest!.payload } == [made[2].payload, made[3].payload])
        #expect(!FileManager.default.fileExists(atPath: fixture.shelf.directory + "/" + made[0].payload))

        let later = try fixture.shelf.prune(keepDays: 30, now: now + 60 * Self.day)
        #expect(later.map(\.payload) == [made[2].payload])
        #expect(fixture.shelf.list().map { $0.manifest!.payload } == [made[3].payload])
    }

    @Test("a changed byte, a wrong key, a cut-off payload or an edited manifest fail, and restore changes nothing")
    func faults() throws {
        let fixture = try BackupFixture()
        try fixture.load(count: 2_000, start: SQLiteStore.now() - Self.day)
        let manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        let payload = fixture.shelf.directory + "/" + manifest.payload
        let manifestPath = fixture.shelf.directory + "/" + BackupManifest.fileName(payload: manifest.payload)
        let pristine = try Data(contentsOf: URL(fileURLWithPath: payload))
        let entry = try fixture.shelf.entry(manifest.payload)
        try fixture.shelf.verify(entry, key: fixture.key)

        var tampered = pristine
        tampered[tampered.count / 2] ^= 0x01
        try tampered.write(to: URL(fileURLWithPath: payload))
        #expect {
            try fixture.shelf.verify(entry, key: fixture.key)
        } throws: { error in
            "\(error)".contains("fails authentication")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.db))
        #expect(throws: BackupError.self) { try fixture.restore(manifest) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.db)) == before)
        #expect(!FileManager.default.fileExists(atPath: fixture.db + ".restoring"))

        try pristine.write(to: URL(fileURLWithPath: payload))
        let other = try BackupKey(path: fixture.directory + "/other.key", create: true)
        #expect {
            try fixture.shelf.verify(entry, key: other)
        } throws: { error in
            if case .wrongKey = error as? BackupError { return true }
            return false
        }

        try pristine.prefix(pristine.count - 100).write(to: URL(fileURLWithPath: payload))
        #expect(fixture.shelf.list().first?.problem?.contains("bytes") == true)
        try pristine.write(to: URL(fileURLWithPath: payload))

        let text = try String(contentsOfFile: manifestPath, encoding: .utf8)
        try text.replacingOccurrences(of: "\"records\" : 2000", with: "\"records\" : 2001")
            .write(toFile: manifestPath, atomically: true, encoding: .utf8)
        #expect {
            try fixture.shelf.verify(try fixture.shelf.entry(manifest.payload), key: fixture.key)
        } throws: { error in
            "\(error)".contains("manifest does not authenticate")
        }
    }

    @Test("an interrupted backup (payload without manifest) is not listed, and prune clears it a day later")
    func interrupted() throws {
        let fixture = try BackupFixture()
        try fixture.load(count: 10, start: SQLiteStore.now() - Self.day)
        let manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        let leftover = fixture.shelf.directory + "/.cdrpipe-20260101T000000Z.cdrbackup.tmp"
        try Data(repeating: 7, count: 1000).write(to: URL(fileURLWithPath: leftover))
        #expect(fixture.shelf.list().map { $0.manifest?.payload } == [manifest.payload])
        try fixture.shelf.prune(keepDays: 30, now: SQLiteStore.now() + 2 * Self.day)
        #expect(!FileManager.default.fileExists(atPath: leftover))
        #expect(fixture.shelf.list().count == 1)
    }

    @Test("off-site copies are checked: a folder copy is re-hashed, a command must report the right SHA-256")
    func offsite() throws {
        let fixture = try BackupFixture()
        try fixture.load(count: 100, start: SQLiteStore.now() - Self.day)
        let manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        let remote = fixture.directory + "/remote"
        try OffsiteCopy.directory(remote).send(manifest, from: fixture.shelf)
        #expect(try BackupShelf(directory: remote).list().map { $0.problem == nil } == [true])
        let piped = fixture.directory + "/piped"
        try FileManager.default.createDirectory(atPath: piped, withIntermediateDirectories: true)
        try OffsiteCopy.command("tee '\(piped)'/$CDRPIPE_BACKUP_FILE | sha256sum").send(manifest, from: fixture.shelf)
        #expect(FileManager.default.fileExists(atPath: piped + "/" + manifest.payload))
        #expect(throws: BackupError.self) {
            try OffsiteCopy.command("cat >/dev/null; echo 00").send(manifest, from: fixture.shelf)
        }
    }

    @Test("a key file readable by others is refused")
    func keyMode() throws {
        let fixture = try BackupFixture()
        chmod(fixture.directory + "/backup.key", 0o644)
        #expect(throws: BackupError.self) { try BackupKey(path: fixture.directory + "/backup.key", create: false) }
    }
}

@Suite("Backup schedule")
struct BackupScheduleTests {
    func plan(_ zone: String, hour: Int = 2) throws -> BackupScheduler.Plan {
        let fixture = try BackupFixture()
        return BackupScheduler.Plan(
            database: fixture.db,
            shelf: fixture.shelf,
            key: fixture.key,
            offsite: nil,
            keepDays: 30,
            hour: hour,
            minute: 0,
            timeZone: TimeZone(identifier: zone)!
        )
    }

    func date(_ text: String) -> Date { Date(timeIntervalSince1970: TimeInterval(CivilTime.parseISO(text)!)) }

    @Test("the next run is the next 02:00 local time, across midnight and daylight-saving changes")
    func nextRun() throws {
        let utc = try plan("UTC")
        #expect(utc.nextRun(after: date("2026-11-25T01:59:00Z")) == date("2026-11-25T02:00:00Z"))
        #expect(utc.nextRun(after: date("2026-11-25T02:00:00Z")) == date("2026-11-26T02:00:00Z"))
        let london = try plan("Europe/London")
        #expect(london.nextRun(after: date("2026-07-01T12:00:00Z")) == date("2026-07-02T01:00:00Z"))
        #expect(london.nextRun(after: date("2026-03-28T12:00:00Z")) == date("2026-03-29T01:00:00Z"), "02:00 is skipped")
        #expect(london.nextRun(after: date("2026-10-24T12:00:00Z")) == date("2026-10-25T02:00:00Z"))
    }

    @Test("a scheduled run creates a backup, prunes, and audits")
    func runOnce() throws {
        let plan = try plan("UTC")
        let line = plan.runOnce()
        #expect(line.hasPrefix("scheduled backup cdrpipe-"))
        #expect(plan.shelf.list().count == 1)
        #expect(try SQLiteStore(path: plan.database).auditEntries().last?.actor == "scheduler")
    }
}
