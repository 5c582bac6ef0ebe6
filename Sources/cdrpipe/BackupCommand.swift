import ArgumentParser
import CDRBackup
import CDRModel
import CDRRetention
import CDRSQLite
import CDRStorage
import Foundation

/// `cdrpipe backup`: encrypted full backups, their verification and rotation.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Create, list, verify and prune encrypted full backups.",
        subcommands: [Create.self, List.self, Verify.self, Prune.self]
    )

    /// The backup folder and key.
    struct Shelf: ParsableArguments {
        @Option(name: .customLong("to"), help: "The local backup folder.")
        var directory: String

        @Option(help: "The backup key file (32 bytes, mode 0600; default: backup.key in the database's key folder).")
        var key: String?

        /// The shelf; only `backup create` makes the folder.
        func shelf(create: Bool = false) throws -> BackupShelf {
            do {
                return try BackupShelf(directory: directory, create: create)
            } catch {
                throw CommandFailure(error.description)
            }
        }

        /// The backup key when one is given or sits in the database's key folder; nil otherwise.
        func existingKey(database: String?) throws -> BackupKey? {
            guard let path = key ?? database.map({ KeyVault.defaultDirectory(forDatabase: $0) + "/backup.key" }),
                FileManager.default.fileExists(atPath: path)
            else {
                if let key { throw CommandFailure("no backup key at \(key)") }
                return nil
            }
            do { return try BackupKey(path: path, create: false) } catch { throw CommandFailure(error.description) }
        }

        func backupKey(database: String?, create: Bool = false) throws -> BackupKey {
            guard let path = key ?? database.map({ KeyVault.defaultDirectory(forDatabase: $0) + "/backup.key" }) else {
                throw ValidationError("--key is required")
            }
            if create, database != nil, key == nil {
                _ = try? KeyVault(directory: KeyVault.defaultDirectory(forDatabase: database!))
            }
            let existed = FileManager.default.fileExists(atPath: path)
            do {
                let key = try BackupKey(path: path, create: create)
                if !existed {
                    FileHandle.standardError.write(
                        Data(
                            "created backup key \(path): keep a copy away from this machine; no backup can be read without it\n"
                                .utf8
                        )
                    )
                }
                return key
            } catch {
                throw CommandFailure(error.description)
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Snapshot the database while it stays in use, compress, encrypt, and copy off-site."
        )

        @Option(help: "The SQLite database file.") var db: String
        @OptionGroup var shelf: Shelf
        @Option(help: "An off-site folder (a mounted remote volume); the copy is re-read and checked.")
        var offsite: String?
        @Option(
            name: .customLong("offsite-cmd"),
            help: "A command fed each file on stdin (name in $CDRPIPE_BACKUP_FILE) that prints its SHA-256."
        )
        var offsiteCommand: String?
        @Option(help: "zlib level, 1 (fastest) to 9.") var level: Int32 = 1

        func validate() throws {
            if offsite != nil && offsiteCommand != nil {
                throw ValidationError("give --offsite or --offsite-cmd, not both")
            }
            guard (1...9).contains(level) else { throw ValidationError("--level must be 1–9") }
        }

        func run() throws {
            guard FileManager.default.fileExists(atPath: db) else {
                throw CommandFailure("no database at \(db)", code: 2)
            }
            let key = try shelf.backupKey(database: db, create: true)
            let target = try shelf.shelf(create: true)
            let started = Date()
            if ProgressBar.isTerminal {
                FileHandle.standardError.write(Data("backup: snapshot, compress and seal \(db) …".utf8))
            }
            defer { if ProgressBar.isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
            do {
                let manifest = try target.create(database: db, key: key, level: level)
                let seconds = Date().timeIntervalSince(started)
                print(
                    "backup \(target.directory)/\(manifest.payload): \(manifest.records) records, "
                        + "\(manifest.snapshotBytes / 1_000_000) MB database → \(manifest.payloadBytes / 1_000_000) MB sealed "
                        + "in \(String(format: "%.1f", seconds)) s; recovers to \(CivilTime.iso8601(manifest.createdAt))"
                )
                if let offsite = offsite.map(OffsiteCopy.directory) ?? offsiteCommand.map(OffsiteCopy.command) {
                    try offsite.send(manifest, from: target)
                    print("off-site copy written and its SHA-256 checked")
                }
                try audit("backup create", "\(manifest.payload), \(manifest.records) records")
            } catch let error as BackupError {
                try? audit("backup create", "failed: \(error.description)", outcome: "failed")
                throw CommandFailure(error.description)
            }
        }

        private func audit(_ action: String, _ detail: String, outcome: String = "ok") throws {
            try SQLiteStore(path: db).appendAudit(
                actor: PolicyOptions.actor,
                action: action,
                outcome: outcome,
                detail: detail
            )
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List backups, oldest first, each verified end to end when the backup key is at hand."
        )

        @OptionGroup var shelf: Shelf
        @Option(help: "The database whose key folder holds backup.key (when --key is not given).") var db: String?
        @Flag(help: "Do not verify: check only that each payload is present and of the right size.") var quick = false

        func run() throws {
            let target = try shelf.shelf()
            let key = quick ? nil : try shelf.existingKey(database: db)
            let entries = target.list()
            print("created (UTC)          records       MB  status      backup")
            var corrupt = 0
            for entry in entries {
                let manifest = entry.manifest
                let health = target.health(entry, key: key)
                let status: String
                var note = entry.problem
                switch health {
                case .good: status = "good      "
                case .corrupt(let why):
                    status = "CORRUPT   "
                    note = why
                    corrupt += 1
                case .unverified(let problem):
                    status = problem == nil ? "unverified" : "BAD       "
                    if problem != nil { corrupt += 1 }
                }
                print(
                    [
                        (manifest.map { CivilTime.iso8601($0.createdAt) } ?? "?").padding(
                            toLength: 22,
                            withPad: " ",
                            startingAt: 0
                        ),
                        String(manifest?.records ?? 0).leftPad(8),
                        String((manifest?.payloadBytes ?? 0) / 1_000_000).leftPad(8),
                        status,
                        (manifest?.payload ?? entry.manifestPath) + (note.map { " (\($0))" } ?? ""),
                    ].joined(separator: "  ")
                )
            }
            print(
                "\(entries.count) backups"
                    + (key == nil ? "; not verified (give --db or --key to verify each one end to end)" : "")
            )
            if corrupt > 0 { throw CommandFailure("\(corrupt) of \(entries.count) backups are not usable") }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decrypt, check hashes, integrity and row counts of a backup (default: the newest)."
        )

        @OptionGroup var shelf: Shelf
        @Option(help: "The database whose key folder holds backup.key (when --key is not given).") var db: String?
        @Flag(help: "Verify every backup on the shelf.") var all = false
        @Argument(help: "A backup (payload or manifest name or path).") var backup: String?

        func run() throws {
            let target = try shelf.shelf()
            let key = try shelf.backupKey(database: db)
            let entries: [BackupShelf.Entry]
            do {
                if all {
                    entries = target.list()
                } else if let backup {
                    entries = [try target.entry(backup)]
                } else {
                    guard let newest = target.list().last else {
                        throw CommandFailure("no backups in \(target.directory)")
                    }
                    entries = [newest]
                }
            } catch let error as BackupError {
                throw CommandFailure(error.description)
            }
            var failed = 0
            for entry in entries {
                do {
                    let manifest = try target.verify(entry, key: key)
                    print(
                        "ok  \(manifest.payload): \(manifest.records) records, recovers to \(CivilTime.iso8601(manifest.createdAt))"
                    )
                } catch {
                    failed += 1
                    print("BAD \(error.description)")
                }
            }
            if failed > 0 { throw CommandFailure("\(failed) of \(entries.count) backups failed verification") }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove backups older than the kept days, locally and off-site (never the newest good one)."
        )

        @OptionGroup var shelf: Shelf
        @Option(help: "The database whose key folder holds backup.key (when --key is not given).") var db: String?
        @Option(name: .customLong("keep-days"), help: "Days backups are kept.") var keepDays: Int = 30
        @Option(help: "The off-site folder to prune by the same rule.") var offsite: String?

        func validate() throws { guard keepDays >= 1 else { throw ValidationError("--keep-days must be at least 1") } }

        func run() throws {
            guard let key = try shelf.existingKey(database: db) else {
                throw CommandFailure(
                    "prune verifies backups so it never removes the last good one: give --db or --key",
                    code: 2
                )
            }
            var shelves = [try shelf.shelf()]
            if let offsite {
                do { shelves.append(try BackupShelf(directory: offsite, create: false)) } catch {
                    throw CommandFailure(error.description)
                }
            }
            for target in shelves {
                do {
                    let removed = try target.prune(keepDays: keepDays, now: SQLiteStore.now()) {
                        target.health($0, key: key) == .good
                    }
                    for manifest in removed {
                        print(
                            "removed \(target.directory)/\(manifest.payload) (\(CivilTime.iso8601(manifest.createdAt)))"
                        )
                    }
                    print("\(target.directory): \(removed.count) backups removed; keeping \(keepDays) days")
                } catch {
                    throw CommandFailure(error.description)
                }
            }
        }
    }
}

/// `cdrpipe restore`: a verified backup back in place, with retention and erasures re-applied.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a database from a backup, then re-apply retention and recorded erasures.",
        discussion: "Prints and audits the date and time the data was recovered to."
    )

    @Option(help: "The backup (its payload or manifest file).") var from: String
    @OptionGroup var options: PolicyOptions
    @Option(help: "The backup key file (default: backup.key in the database's key folder).") var key: String?
    @Flag(help: "Replace an existing database (kept aside as <db>.replaced-<time>).") var force = false
    @Flag(
        name: .customLong("without-later-holds"),
        help: "Restore where no database is, accepting that legal holds placed or released after the backup are lost."
    )
    var withoutLaterHolds = false

    func run() throws {
        let folder = (from as NSString).deletingLastPathComponent
        let keyDirectory = options.keyDir ?? KeyVault.defaultDirectory(forDatabase: options.db)
        do {
            let shelf = try BackupShelf(directory: folder.isEmpty ? "." : folder, create: false)
            _ = try shelf.entry(from)
            let backupKey = try BackupKey(path: key ?? keyDirectory + "/backup.key", create: false)
            let restorer = Restorer(shelf: shelf, key: backupKey, actor: PolicyOptions.actor)
            let outcome = try restorer.restore(
                from,
                into: options.db,
                keyDirectory: keyDirectory,
                policy: try options.resolvedPolicy(),
                force: force,
                withoutLaterHolds: withoutLaterHolds
            )
            print(outcome.recoveredTo)
            print(
                "\(outcome.holdsPlaced) legal holds placed and \(outcome.holdsReleased) released since the backup were replayed before retention"
            )
            print(
                "\(outcome.manifest.records) records restored; \(outcome.expired) expired since the backup and \(outcome.erased) erased since it were removed again"
            )
            if let aside = outcome.keptAside { print("the replaced database is kept at \(aside)") }
        } catch let error as BackupError {
            throw CommandFailure(error.description)
        }
    }
}

extension String {
    fileprivate func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
