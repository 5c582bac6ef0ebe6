import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRBackup

@Suite("Backups that cannot leak or mislead")
struct BackupHonestyTests {
    static let day: Int64 = 86_400

    /// Ages a backup by rewriting its signed manifest's creation time.
    func age(_ manifest: BackupManifest, by days: Int64, on shelf: BackupShelf, key: BackupKey) throws -> BackupManifest
    {
        var aged = manifest
        aged.createdAt = SQLiteStore.now() - days * Self.day
        aged.sign(key)
        try BackupShelf.writeAtomically(
            aged.encoded(),
            to: shelf.directory + "/" + BackupManifest.fileName(payload: manifest.payload)
        )
        return aged
    }

    @Test("a corrupt newest backup is reported corrupt, and prune keeps the older good one")
    func corruptNewest() throws {
        let fixture = try BackupFixture()
        try fixture.load(count: 500, start: SQLiteStore.now() - Self.day)
        let older = try age(
            try fixture.shelf.create(database: fixture.db, key: fixture.key),
            by: 40,
            on: fixture.shelf,
            key: fixture.key
        )
        let newest = try age(
            try fixture.shelf.create(database: fixture.db, key: fixture.key),
            by: 35,
            on: fixture.shelf,
            key: fixture.key
        )
        let payload = fixture.shelf.directory + "/" + newest.payload
        var bytes = try Data(contentsOf: URL(fileURLWithPath: payload))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: payload))
        let entries = fixture.shelf.list()
        #expect(entries.map { fixture.shelf.health($0, key: fixture.key) }.first == .good)
        if case .corrupt = fixture.shelf.health(entries[1], key: fixture.key) {
        } else {
            Issue.record("the flipped byte was not found")
        }
        #expect(fixture.shelf.health(entries[1], key: nil) == .unverified(problem: nil))
        let removed = try fixture.shelf.prune(keepDays: 30, now: SQLiteStore.now()) {
            fixture.shelf.health($0, key: fixture.key) == .good
        }
        #expect(removed.map(\.payload) == [newest.payload])
        #expect(fixture.shelf.list().map { $0.manifest?.payload } == [older.payload])
    }

    @Test("off-site copies older than the kept days are pruned by the same rule")
    func offsitePruned() throws {
        let fixture = try BackupFixture()
        try fixture.load(count: 50, start: SQLiteStore.now() - Self.day)
        let offsite = try BackupShelf(directory: fixture.directory + "/offsite")
        var made: [BackupManifest] = []
        for days in [45, 31, 2] as [Int64] {
            let manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
            try OffsiteCopy.directory(offsite.directory).send(manifest, from: fixture.shelf)
            made.append(try age(manifest, by: days, on: offsite, key: fixture.key))
        }
        let removed = try offsite.prune(keepDays: 30, now: SQLiteStore.now()) {
            offsite.health($0, key: fixture.key) == .good
        }
        #expect(removed.map(\.payload) == [made[0].payload, made[1].payload])
        #expect(offsite.list().map { $0.manifest?.payload } == [made[2].payload])
    }

    @Test("no plaintext snapshot is written to the backup folder; a crashed run's leftovers are removed")
    func noPlaintextInShelf() throws {
        let fixture = try BackupFixture()
        try fixture.load(count: 200, caller: "+447700900777", start: SQLiteStore.now() - Self.day)
        let legacy = fixture.shelf.directory + "/.cdrpipe-20260101T000000Z.snapshot.tmp"
        try Data("SQLite format 3".utf8).write(to: URL(fileURLWithPath: legacy))
        let crashed = fixture.directory + "/" + PlaintextScratch.prefix + "999999999-snapshot-x.tmp"
        try Data("SQLite format 3".utf8).write(to: URL(fileURLWithPath: crashed))
        let manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        #expect(!FileManager.default.fileExists(atPath: legacy))
        #expect(!FileManager.default.fileExists(atPath: crashed))
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.shelf.directory).sorted()
        let expected = [
            manifest.payload, LegalBundle.fileName(payload: manifest.payload),
            BackupManifest.fileName(payload: manifest.payload),
        ]
        #expect(names == expected.sorted())
        try fixture.shelf.verify(try fixture.shelf.entry(manifest.payload), key: fixture.key)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.shelf.directory).count == 3)
        for name in try FileManager.default.contentsOfDirectory(atPath: fixture.shelf.directory) {
            let data = try Data(contentsOf: URL(fileURLWithPath: fixture.shelf.directory + "/" + name))
            #expect(data.range(of: Data("+447700900777".utf8)) == nil)
            #expect(data.range(of: Data("SQLite format".utf8)) == nil)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory)
            .filter { $0.hasPrefix(PlaintextScratch.prefix) }
        #expect(leftovers.isEmpty)
        let path = PlaintextScratch.path(in: fixture.directory, purpose: "snapshot")
        #expect((path as NSString).deletingLastPathComponent == fixture.directory)
    }

    @Test("a shelf that is only read is never created")
    func readOnlyShelf() {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-nope-\(UUID())").path
        #expect(throws: BackupError.self) { try BackupShelf(directory: missing, create: false) }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
