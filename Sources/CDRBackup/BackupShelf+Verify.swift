import CDRSQLite
import CDRStorage
import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension BackupShelf {
    /// Checks a backup end to end: manifest authentic under `key`, every frame authentic, payload and
    /// snapshot hashes as the manifest says, `PRAGMA integrity_check` ok, and row counts per table as the
    /// manifest says. With `snapshotPath` the checked database is left there (for a restore); otherwise it
    /// is removed. Throws naming the first problem.
    @discardableResult
    public func verify(
        _ entry: Entry,
        key: BackupKey,
        snapshotPath: String? = nil
    ) throws(BackupError)
        -> BackupManifest
    {
        guard let manifest = entry.manifest, let payloadPath = entry.payloadPath else {
            throw .corrupt(path: entry.manifestPath, problem: entry.problem ?? "manifest unreadable")
        }
        if let problem = entry.problem { throw .corrupt(path: entry.manifestPath, problem: problem) }
        guard manifest.keyFingerprint == key.fingerprint else { throw .wrongKey(path: payloadPath) }
        guard manifest.isAuthentic(key) else {
            throw .corrupt(path: entry.manifestPath, problem: "the manifest does not authenticate")
        }
        let target: String
        if let snapshotPath {
            target = snapshotPath
        } else {
            let scratch = try PlaintextScratch.privateFolder()
            PlaintextScratch.sweep(scratch)
            target = PlaintextScratch.path(in: scratch, purpose: "verify")
        }
        var keep = false
        defer {
            if !keep { unlink(target) }
            for suffix in ["-wal", "-shm"] { unlink(target + suffix) }
        }
        try unseal(payloadPath, key: key, manifest: manifest, into: target)
        try checkSnapshot(target, payloadPath: payloadPath, manifest: manifest)
        keep = snapshotPath != nil
        return manifest
    }

    /// Opens the sealed payload, inflates it into `target`, and checks the payload's and the snapshot's
    /// hashes and size against the manifest.
    private func unseal(
        _ payloadPath: String,
        key: BackupKey,
        manifest: BackupManifest,
        into target: String
    ) throws(BackupError) {
        let reader = try SealedReader(file: try RawFile(reading: payloadPath), key: key.key)
        let output = try RawFile(writing: target)
        let inflater = try ZlibStream(compressLevel: nil)
        var hasher = SHA256()
        var bytes: Int64 = 0
        while let frame = try reader.next() {
            try frame.withUnsafeBytes { chunk in
                Result { () throws(BackupError) in
                    try inflater.push(chunk) { plain throws(BackupError) in
                        hasher.update(bufferPointer: plain)
                        bytes += Int64(plain.count)
                        try output.write(plain)
                    }
                }
            }.get()
        }
        try output.syncAndClose()
        guard inflater.finished else { throw .corrupt(path: payloadPath, problem: "the snapshot is cut off") }
        guard hex(reader.digest()) == manifest.payloadSHA256 else {
            throw .corrupt(path: payloadPath, problem: "SHA-256 differs from the manifest's")
        }
        guard bytes == manifest.snapshotBytes, hex(Array(hasher.finalize())) == manifest.snapshotSHA256 else {
            throw .corrupt(path: payloadPath, problem: "the snapshot's SHA-256 differs from the manifest's")
        }
    }

    /// Opens the unsealed snapshot read-only: `PRAGMA integrity_check` must say ok and the row counts per
    /// table must be the manifest's.
    private func checkSnapshot(_ target: String, payloadPath: String, manifest: BackupManifest) throws(BackupError) {
        do {
            let connection = try SQLiteConnection(path: target, readOnly: true)
            let check = try connection.prepare("PRAGMA integrity_check")
            _ = try check.step()
            let result = check.text(0)
            guard result == "ok" else {
                throw BackupError.corrupt(path: payloadPath, problem: "integrity_check: \(result)")
            }
            let (counts, _) = try Self.census(target)
            guard counts == manifest.counts else {
                let differing = counts.keys.filter { counts[$0] != manifest.counts[$0] }.sorted()
                throw BackupError.corrupt(
                    path: payloadPath,
                    problem: "row counts differ in \(differing.joined(separator: ", "))"
                )
            }
        } catch let error as BackupError {
            throw error
        } catch {
            throw .corrupt(path: payloadPath, problem: "the snapshot does not open: \(error)")
        }
    }
}
