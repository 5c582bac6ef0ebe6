import CDRModel
import CDRRetention
import CDRSQLite
import CDRStorage
import CDRSubjects
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Puts a verified backup in place of a database and brings it back to what the law and the data subjects
/// require now: the legal holds of the replaced database are replayed, the erasure ledgers every backup on
/// the shelf carries are merged into the key folder, retention is re-applied as of now and the erasure
/// ledger is applied again, so nothing that expired or was erased after the backup was taken comes back.
public struct Restorer {
    /// What a restore did.
    public struct Outcome: Sendable {
        /// The backup's manifest; its `createdAt` is the point in time the data was recovered to.
        public var manifest: BackupManifest
        /// Where the database that was replaced was kept, if there was one.
        public var keptAside: String?
        /// Records retention removed after the restore (expired since the backup).
        public var expired: Int64
        /// Records the erasure ledger removed again.
        public var erased: Int64
        /// Holds placed after the backup, replayed from the replaced database before retention ran.
        public var holdsPlaced = 0
        /// Hold releases made after the backup, replayed from the replaced database.
        public var holdsReleased = 0

        /// The sentence to tell customers.
        public var recoveredTo: String { "data recovered to \(CivilTime.iso8601(manifest.createdAt))" }
    }

    /// The shelf to restore from.
    public let shelf: BackupShelf
    /// The sealing key.
    public let key: BackupKey
    /// Who is restoring, for the audit log.
    public let actor: String

    /// Creates a restorer.
    public init(shelf: BackupShelf, key: BackupKey, actor: String) {
        self.shelf = shelf
        self.key = key
        self.actor = actor
    }

    /// Verifies `backup` into a file beside `database`, then replaces the database with it (refusing an
    /// existing one unless `force`, which keeps it aside), re-applies retention under `policy` and the
    /// erasure ledger in `keyDirectory`, and audits the restore. A backup that fails verification changes
    /// nothing; a database an ingest is loading (it holds the ingest lock) is not replaced. Stop `serve`
    /// first: a running server keeps the replaced file open.
    public func restore(
        _ backup: String,
        into database: String,
        keyDirectory: String,
        policy: RetentionPolicy,
        force: Bool,
        withoutLaterHolds: Bool = false
    ) throws(BackupError) -> Outcome {
        let entry = try shelf.entry(backup)
        let exists = FileManager.default.fileExists(atPath: database)
        let laterHolds = try holdsToReplay(from: database, exists: exists, force: force, blind: withoutLaterHolds)
        var lock: Int32 = -1
        if exists {
            lock = open(database, O_RDONLY | O_CLOEXEC)
            guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
                if lock >= 0 { close(lock) }
                throw .refused("an ingest is running on \(database); restore once it has finished")
            }
        }
        defer { if lock >= 0 { close(lock) } }
        let staged = database + ".restoring"
        unlink(staged)
        let manifest = try shelf.verify(entry, key: key, snapshotPath: staged)
        let keptAside = exists ? try keepAside(database) : nil
        try RawFile.rename(staged, to: database)
        do {
            var outcome = try bringUpToDate(
                database,
                manifest: manifest,
                keyDirectory: keyDirectory,
                policy: policy,
                laterHolds: laterHolds
            )
            outcome.keptAside = keptAside
            try audit(outcome, database: database, keyDirectory: keyDirectory)
            return outcome
        } catch {
            throw .store(
                "restored \(database) to \(CivilTime.iso8601(manifest.createdAt)), but re-applying retention and erasures failed: \(error); run `cdrpipe retain` before serving it"
            )
        }
    }

    /// The holds and releases of the database about to be replaced, after checking the restore may go on:
    /// an existing database needs `force`, and a missing one means the later holds are unknown, which only
    /// `blind` (`--without-later-holds`) accepts.
    private func holdsToReplay(
        from database: String,
        exists: Bool,
        force: Bool,
        blind: Bool
    ) throws(BackupError)
        -> [Hold]
    {
        if exists && !force {
            throw .refused("\(database) exists: pass --force to replace it (it will be kept aside)")
        }
        if !exists && !blind {
            throw .refused(
                "no database at \(database) to take the legal holds and releases made after the backup from: "
                    + "restoring alone could bring back records a released hold let expire, or roll up records "
                    + "a later hold protects. Restore over the live database (--force), or pass "
                    + "--without-later-holds to accept that"
            )
        }
        guard exists else { return [] }
        do {
            return try SQLiteStore(path: database).holds(includeReleased: true)
        } catch {
            throw .store("reading the legal holds of \(database) before replacing it failed: \(error)")
        }
    }

    /// Moves the database (and its WAL files) aside under a time-stamped name; returns that name.
    private func keepAside(_ database: String) throws(BackupError) -> String {
        let aside = database + ".replaced-" + BackupShelf.stamp(SQLiteStore.now())
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: database + suffix) {
            try RawFile.rename(database + suffix, to: aside + suffix)
        }
        try RawFile.rename(database, to: aside)
        return aside
    }

    /// Brings the restored database to what the law requires now: the backup's audit chain key, every
    /// shelf's erasure ledger, the later holds replayed, retention as of now, and the erasures again.
    private func bringUpToDate(
        _ database: String,
        manifest: BackupManifest,
        keyDirectory: String,
        policy: RetentionPolicy,
        laterHolds: [Hold]
    ) throws -> Outcome {
        let own = shelf.directory + "/" + LegalBundle.fileName(payload: manifest.payload)
        try (try LegalBundle.read(path: own, key: key) ?? LegalBundle(erasures: [])).installChainKey(into: keyDirectory)
        let store = try SQLiteStore(path: database, keyDirectory: keyDirectory)
        for entry in shelf.list() {
            guard let payload = entry.manifest?.payload, entry.manifest?.keyFingerprint == key.fingerprint else {
                continue
            }
            let path = shelf.directory + "/" + LegalBundle.fileName(payload: payload)
            if let bundle = try LegalBundle.read(path: path, key: key) { _ = try bundle.install(into: keyDirectory) }
        }
        let vault = try KeyVault(directory: keyDirectory)
        let replayed = try store.atomically { try store.replayHolds(laterHolds) }
        let before = try store.recordCount()
        _ = try Retainer(store: store, policy: policy, vault: vault, actor: actor).run(asOf: SQLiteStore.now())
        let expired = before - (try store.recordCount())
        let desk = SubjectDesk(store: store, vault: vault, actor: actor, homeCountryCode: policy.homeCountryCode)
        let erased = try ErasureLedger(vault: vault).reapply(with: desk, vault: vault, store: store)
        var outcome = Outcome(manifest: manifest, keptAside: nil, expired: expired, erased: erased)
        outcome.holdsPlaced = replayed.placed
        outcome.holdsReleased = replayed.released
        return outcome
    }

    /// Appends the restore, with the time recovered to and what was replayed and removed, to the audit log.
    private func audit(_ outcome: Outcome, database: String, keyDirectory: String) throws {
        try SQLiteStore(path: database, keyDirectory: keyDirectory).appendAudit(
            actor: actor,
            action: "restore",
            outcome: "ok",
            detail:
                "\(outcome.recoveredTo) from \(outcome.manifest.payload); \(outcome.holdsPlaced) holds and "
                + "\(outcome.holdsReleased) releases made since replayed; \(outcome.expired) expired and "
                + "\(outcome.erased) erased records removed again"
                + (outcome.keptAside.map { "; replaced database kept at \($0)" } ?? "")
        )
    }
}
