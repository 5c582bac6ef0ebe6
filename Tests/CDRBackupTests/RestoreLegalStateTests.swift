import CDRModel
import CDRRetention
import CDRSQLite
import CDRStorage
import CDRSubjects
import Foundation
import Testing

@testable import CDRBackup

@Suite("Restores keep the legal state made after the backup")
struct RestoreLegalStateTests {
    static let day: Int64 = 86_400

    @Test("a hold placed after the backup survives a restore, and the restore's retention keeps its records")
    func holdAfterBackup() throws {
        let fixture = try BackupFixture()
        let old = CivilTime.adding(months: -7, to: SQLiteStore.now())
        try fixture.load(count: 40, caller: "+447700900001", start: old, tag: 1)
        try fixture.load(count: 40, caller: "+447700900002", start: old, tag: 2)
        let manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        let vault = try KeyVault(directory: fixture.db + ".keys")
        let holds = LegalHolds(store: try SQLiteStore(path: fixture.db), vault: vault, actor: "legal")
        let hold = try holds.add(number: "+447700900001", from: nil, to: nil, caseRef: "D-1", reason: "dispute")

        let outcome = try fixture.restore(manifest)
        #expect(outcome.holdsPlaced == 1 && outcome.holdsReleased == 0)
        let restored = try SQLiteStore(path: fixture.db)
        #expect(try restored.holds().map(\.id) == [hold.id])
        #expect(try restored.records(number: "+447700900001").count == 40)
        #expect(try restored.records(number: "+447700900002").isEmpty)
        #expect(outcome.expired == 40)
    }

    @Test("a hold released after the backup stays released, and the records it let expire stay gone")
    func releaseAfterBackup() throws {
        let fixture = try BackupFixture()
        let old = CivilTime.adding(months: -7, to: SQLiteStore.now())
        try fixture.load(count: 30, caller: "+447700900001", start: old, tag: 1)
        let vault = try KeyVault(directory: fixture.db + ".keys")
        let store = try SQLiteStore(path: fixture.db)
        let holds = LegalHolds(store: store, vault: vault, actor: "legal")
        let hold = try holds.add(number: "+447700900001", from: nil, to: nil, caseRef: "D-2", reason: "dispute")
        let manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        _ = try holds.release(id: hold.id)
        _ = try Retainer(store: store, policy: fixture.policy, vault: vault, actor: "test").run(
            asOf: SQLiteStore.now()
        )
        #expect(try store.recordCount() == 0)

        let outcome = try fixture.restore(manifest)
        #expect(outcome.holdsReleased == 1)
        let restored = try SQLiteStore(path: fixture.db)
        #expect(try restored.holds().isEmpty)
        #expect(try restored.holds(includeReleased: true).first?.releasedAt != nil)
        #expect(try restored.recordCount() == 0)
        #expect(outcome.expired == 30)
    }

    @Test("a restore where no database is refuses unless told the later holds may be lost")
    func newPathRefused() throws {
        let fixture = try BackupFixture()
        try fixture.load(count: 10, start: SQLiteStore.now() - Self.day)
        let manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        let target = fixture.directory + "/elsewhere.db"
        #expect {
            try fixture.restore(manifest, into: target, force: false)
        } throws: { error in
            "\(error)".contains("--without-later-holds")
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        let outcome = try fixture.restore(manifest, into: target, force: false, withoutLaterHolds: true)
        #expect(outcome.manifest.records == 10)
    }
}

@Suite("The erasure ledger and audit key travel with every backup")
struct LegalBundleTests {
    @Test("an erasure after the backup is honoured by a restore elsewhere from the off-site copy, with the key only")
    func erasureTravels() throws {
        let fixture = try BackupFixture()
        let now = SQLiteStore.now()
        try fixture.load(count: 25, caller: "+447700900005", start: now - 3 * 86_400, tag: 5)
        try fixture.load(count: 15, caller: "+447700900006", start: now - 3 * 86_400, tag: 6)
        let store = try SQLiteStore(path: fixture.db)
        try store.appendAudit(actor: "test", action: "records", outcome: "ok", detail: "before the backup")
        let first = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        let vault = try KeyVault(directory: fixture.db + ".keys")
        let desk = SubjectDesk(store: store, vault: vault, actor: "test", homeCountryCode: "44")
        #expect(try desk.erase("+447700900005").erased == 25)
        let offsite = try BackupShelf(directory: fixture.directory + "/offsite")
        let second = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        for manifest in [first, second] {
            try OffsiteCopy.directory(offsite.directory).send(manifest, from: fixture.shelf)
        }

        let elsewhere = fixture.directory + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let outcome = try Restorer(shelf: offsite, key: fixture.key, actor: "test").restore(
            first.payload,
            into: elsewhere + "/cdr.db",
            keyDirectory: elsewhere + "/cdr.db.keys",
            policy: fixture.policy,
            force: false,
            withoutLaterHolds: true
        )
        #expect(outcome.erased == 25)
        let restored = try SQLiteStore(path: elsewhere + "/cdr.db")
        #expect(try restored.records(number: "+447700900005").isEmpty)
        #expect(try restored.records(number: "+447700900006").count == 15)
        let key = FileManager.default.contents(atPath: elsewhere + "/cdr.db.keys/audit.key")
        #expect(key != nil && key == FileManager.default.contents(atPath: fixture.db + ".keys/audit.key"))
        guard case .intact(let entries) = try restored.verifyAudit() else {
            Issue.record("the restored audit log does not verify with the chain key its backup carried")
            return
        }
        #expect(entries >= 3)
    }
}
