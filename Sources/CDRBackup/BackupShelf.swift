import CDRModel
import CDRSQLite
import CDRStorage
import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A folder of backups: each a sealed, compressed snapshot (`cdrpipe-<time>.cdrbackup`) and its manifest,
/// written last, so only complete backups are ever listed.
public struct BackupShelf: Sendable {
    /// One backup found on the shelf.
    public struct Entry: Sendable {
        /// The manifest file.
        public var manifestPath: String
        /// The manifest, when it could be read.
        public var manifest: BackupManifest?
        /// Why it is not usable, or nil when its payload is present and the right size.
        public var problem: String?

        /// The payload file.
        public var payloadPath: String? {
            manifest.map { (manifestPath as NSString).deletingLastPathComponent + "/" + $0.payload }
        }
    }

    /// The folder.
    public let directory: String

    /// A shelf in `directory`, created (mode 0700) when missing and `create` is set; a shelf only read
    /// (listed, verified, pruned) must exist.
    public init(directory: String, create: Bool = true) throws(BackupError) {
        self.directory = directory
        if !create {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else { throw .refused("no backup folder \(directory)") }
            return
        }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .io(path: directory, problem: String(cString: strerror(errno)))
        }
    }

    /// What a backup is worth for a restore.
    public enum Health: Sendable, Equatable {
        /// Verified end to end under the key.
        case good
        /// Verification failed, with the reason.
        case corrupt(String)
        /// Not verified (no key at hand, or a quick listing); the payload is present and of the right size
        /// unless `problem` says otherwise.
        case unverified(problem: String?)
    }

    /// Checks one backup: end to end with `key`, or only its files without one.
    public func health(_ entry: Entry, key: BackupKey?) -> Health {
        guard let key else { return .unverified(problem: entry.problem) }
        do {
            try verify(entry, key: key)
            return .good
        } catch {
            return .corrupt(error.description)
        }
    }

    /// Takes a consistent snapshot of the database at `database` while others keep reading and writing it
    /// (SQLite's online backup in one step, inside one read transaction), then compresses, seals and writes
    /// it here with its manifest. Returns the manifest. The plaintext snapshot is written beside the
    /// database, never here (``PlaintextScratch``); leftovers of a crashed run are removed first.
    public func create(
        database: String,
        key: BackupKey,
        level: Int32 = 1,
        keyDirectory: String? = nil
    ) throws(BackupError) -> BackupManifest {
        let createdAt = SQLiteStore.now()
        let name = freshName(createdAt)
        let beside = (database as NSString).deletingLastPathComponent
        let scratch = beside.isEmpty ? "." : beside
        PlaintextScratch.sweep(scratch)
        PlaintextScratch.sweep(directory, backupFolder: true)
        let snapshot = PlaintextScratch.path(in: scratch, purpose: "snapshot")
        let payloadTemporary = directory + "/." + name + ".cdrbackup.tmp"
        defer {
            for path in [snapshot, snapshot + "-wal", snapshot + "-shm", payloadTemporary] { unlink(path) }
        }
        let (counts, schema, auditHead) = try Self.snapshot(database, to: snapshot)
        let (snapshotBytes, snapshotDigest, payloadDigest, payloadBytes) = try seal(
            snapshot,
            into: payloadTemporary,
            key: key,
            level: level
        )
        let payload = name + ".cdrbackup"
        try RawFile.rename(payloadTemporary, to: directory + "/" + payload)
        try LegalBundle.collect(keyDirectory: keyDirectory ?? database + ".keys").write(
            to: directory + "/" + LegalBundle.fileName(payload: payload),
            key: key
        )
        var manifest = BackupManifest(
            format: 1,
            createdAt: createdAt,
            source: database,
            schemaVersion: schema,
            counts: counts,
            payload: payload,
            payloadBytes: payloadBytes,
            payloadSHA256: hex(payloadDigest),
            snapshotBytes: snapshotBytes,
            snapshotSHA256: hex(snapshotDigest),
            keyFingerprint: key.fingerprint
        )
        manifest.auditHead = auditHead
        manifest.sign(key)
        try Self.writeAtomically(manifest.encoded(), to: directory + "/" + BackupManifest.fileName(payload: payload))
        return manifest
    }

    /// A backup name for `createdAt` that no payload here has yet.
    private func freshName(_ createdAt: Int64) -> String {
        var name = "cdrpipe-" + Self.stamp(createdAt)
        while FileManager.default.fileExists(atPath: directory + "/" + name + ".cdrbackup") {
            name += "-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        }
        return name
    }

    /// Copies `database` to `snapshot` with SQLite's online backup; returns the snapshot's census, schema
    /// version and newest audit entry.
    private static func snapshot(
        _ database: String,
        to snapshot: String
    ) throws(BackupError) -> (counts: [String: Int64], schema: Int64, auditHead: BackupManifest.AuditHead?) {
        do {
            let source = try SQLiteConnection(path: database, readOnly: true)
            try source.copy(to: snapshot)
            let (counts, schema) = try census(snapshot)
            let head = try SQLiteConnection(path: snapshot, readOnly: true)
                .prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            let auditHead = try head.step() ? BackupManifest.AuditHead(id: head.int(0), hash: hex(head.blob(1))) : nil
            return (counts, schema, auditHead)
        } catch {
            throw .store("snapshot of \(database) failed: \(error)")
        }
    }

    /// Rows per table of a database file (every partition's records as `records`) and its schema version.
    static func census(_ path: String) throws(StoreError) -> ([String: Int64], Int64) {
        let connection = try SQLiteConnection(path: path, readOnly: true)
        let tables = try connection.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        var names: [String] = []
        while try tables.step() { names.append(tables.text(0)) }
        var counts: [String: Int64] = [:]
        for name in names where !name.hasPrefix("records_") {
            let count = try connection.prepare(
                "SELECT count(*) FROM \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\""
            )
            _ = try count.step()
            counts[name] = count.int(0)
        }
        var records: Int64 = 0
        for name in names where name.hasPrefix("records_") {
            let count = try connection.prepare("SELECT count(*) FROM \(name)")
            _ = try count.step()
            records += count.int(0)
        }
        counts["records"] = records
        let version = try connection.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations")
        _ = try version.step()
        return (counts, version.int(0))
    }

    private func seal(
        _ snapshot: String,
        into path: String,
        key: BackupKey,
        level: Int32
    ) throws(BackupError)
        -> (Int64, [UInt8], [UInt8], Int64)
    {
        let input = try RawFile(reading: snapshot)
        let output = try RawFile(writing: path)
        let writer = try SealedWriter(file: output, key: key.key)
        let deflater = try ZlibStream(compressLevel: level)
        var hasher = SHA256()
        var total: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try input.read(into: buffer)
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            hasher.update(bufferPointer: chunk)
            total += Int64(n)
            try deflater.push(chunk, finish: n == 0) { compressed throws(BackupError) in try writer.write(compressed) }
            if n == 0 { break }
        }
        let digest = try writer.finish()
        try output.syncAndClose()
        return (total, Array(hasher.finalize()), digest, writer.written)
    }

    /// Every backup on the shelf, oldest first, with what is wrong with each (a missing or short payload,
    /// an unreadable manifest). Unfinished backups have no manifest and so are not listed.
    public func list() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var entries: [Entry] = []
        for name in names where name.hasSuffix(".manifest.json") && !name.hasPrefix(".") {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path),
                let manifest = try? JSONDecoder().decode(BackupManifest.self, from: data)
            else {
                entries.append(Entry(manifestPath: path, manifest: nil, problem: "manifest unreadable"))
                continue
            }
            var entry = Entry(manifestPath: path, manifest: manifest, problem: nil)
            switch RawFile.size(directory + "/" + manifest.payload) {
            case nil: entry.problem = "payload \(manifest.payload) missing"
            case let size? where size != manifest.payloadBytes:
                entry.problem = "payload is \(size) bytes, manifest says \(manifest.payloadBytes)"
            default: break
            }
            entries.append(entry)
        }
        return entries.sorted {
            ($0.manifest?.createdAt ?? 0, $0.manifestPath) < ($1.manifest?.createdAt ?? 0, $1.manifestPath)
        }
    }

    /// Removes backups older than `keepDays` as of `now`, but never the newest good one (the newest for
    /// which `isGood` holds, asked newest first: pass a full verification, so a corrupt newest backup does
    /// not cost the last good one); also removes leftovers of interrupted runs older than a day. Returns the
    /// manifests removed.
    @discardableResult
    public func prune(
        keepDays: Int,
        now: Int64,
        isGood: (Entry) -> Bool = { $0.problem == nil }
    ) throws(BackupError) -> [BackupManifest] {
        let entries = list()
        let newestGood = entries.reversed().first(where: isGood)?.manifestPath
        var removed: [BackupManifest] = []
        for entry in entries {
            guard let manifest = entry.manifest, entry.manifestPath != newestGood,
                manifest.createdAt < now - Int64(keepDays) * UTCDay.seconds
            else { continue }
            unlink(directory + "/" + manifest.payload)
            unlink(directory + "/" + LegalBundle.fileName(payload: manifest.payload))
            guard unlink(entry.manifestPath) == 0 else {
                throw .io(path: entry.manifestPath, problem: String(cString: strerror(errno)))
            }
            removed.append(manifest)
        }
        PlaintextScratch.sweep(directory, backupFolder: true)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where name.hasPrefix(".cdrpipe-") && name.hasSuffix(".tmp") {
            let path = directory + "/" + name
            let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
            if let modified, Int64(modified.timeIntervalSince1970) < now - UTCDay.seconds { unlink(path) }
        }
        return removed
    }

    /// The entry whose manifest or payload is at `path`, or whose name is `path` on this shelf.
    public func entry(_ path: String) throws(BackupError) -> Entry {
        let candidates = list()
        let name = (path as NSString).lastPathComponent
        if let found = candidates.first(where: {
            $0.manifestPath == path || ($0.manifestPath as NSString).lastPathComponent == name
                || $0.manifest?.payload == name || $0.manifest.map { $0.payload + ".manifest.json" } == name
        }) {
            return found
        }
        throw .refused("no backup \(path) in \(directory) (see `cdrpipe backup list`)")
    }

    static func writeAtomically(_ data: Data, to path: String) throws(BackupError) {
        let temporary =
            (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent
            + ".tmp"
        let file = try RawFile(writing: temporary)
        try file.write([UInt8](data))
        try file.syncAndClose()
        try RawFile.rename(temporary, to: path)
    }

    static func stamp(_ epoch: Int64) -> String {
        CivilTime.iso8601(epoch).filter { $0 != "-" && $0 != ":" }
    }
}
