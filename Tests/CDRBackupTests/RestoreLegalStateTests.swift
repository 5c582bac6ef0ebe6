import CDRModel
import CDRRetention
import CDRStore
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
