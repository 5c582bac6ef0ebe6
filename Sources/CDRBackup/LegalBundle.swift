import CDRStorage
import CDRSubjects
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a backup carries beside the database so that a restore anywhere can honour erasures: the erasure
/// ledger and the audit key its pseudonyms are made with (both live in the key folder, outside the database
/// file), sealed under the backup key like the payload, as `<payload>.legal`.
struct LegalBundle: Codable, Equatable {
    /// The audit key, base64; nil when the key folder had none yet.
    var auditKey: String?
    /// The erasure ledger's entries.
    var erasures: [ErasureLedger.Entry]
    /// The audit chain key file, base64; nil when the key folder had none yet.
    var auditChainKey: String?

    static func fileName(payload: String) -> String { payload + ".legal" }

    /// The bundle of a key folder (empty when it does not exist).
    static func collect(keyDirectory: String) throws(BackupError) -> LegalBundle {
        let key = FileManager.default.contents(atPath: keyDirectory + "/audit.key")
        var entries: [ErasureLedger.Entry] = []
        if let data = FileManager.default.contents(atPath: keyDirectory + "/erasures.jsonl") {
            for (index, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
                guard let entry = try? JSONDecoder().decode(ErasureLedger.Entry.self, from: Data(line)) else {
                    throw .corrupt(
                        path: keyDirectory + "/erasures.jsonl",
                        problem: "line \(index + 1) is no ledger entry"
                    )
                }
                entries.append(entry)
            }
        }
        return LegalBundle(
            auditKey: key?.base64EncodedString(),
            erasures: entries,
            auditChainKey: AuditChain.keyFile(directory: keyDirectory)?.base64EncodedString()
        )
    }

    /// Seals the bundle into `path` (written aside, synced, renamed).
    func write(to path: String, key: BackupKey) throws(BackupError) {
        let temporary =
            (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent
            + ".tmp"
        guard let data = try? JSONEncoder().encode(self) else { throw .store("cannot encode the legal bundle") }
        let file = try RawFile(writing: temporary)
        let writer = try SealedWriter(file: file, key: key.key)
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 1)
        defer { bytes.deallocate() }
        _ = data.copyBytes(to: bytes.bindMemory(to: UInt8.self))
        try writer.write(UnsafeRawBufferPointer(bytes))
        _ = try writer.finish()
        try file.syncAndClose()
        try RawFile.rename(temporary, to: path)
    }

    /// Makes the key folder's audit chain key the one the restored database's log was keyed with.
    func installChainKey(into keyDirectory: String) throws(BackupError) {
        do {
            try AuditChain.install(auditChainKey.flatMap { Data(base64Encoded: $0) }, into: keyDirectory)
        } catch {
            throw .io(path: keyDirectory, problem: error.description)
        }
    }

    /// Opens a sealed bundle; nil when there is none at `path`.
    static func read(path: String, key: BackupKey) throws(BackupError) -> LegalBundle? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let reader = try SealedReader(file: try RawFile(reading: path), key: key.key)
        var data = Data()
        while let frame = try reader.next() { data.append(contentsOf: frame) }
        guard let bundle = try? JSONDecoder().decode(LegalBundle.self, from: data) else {
            throw .corrupt(path: path, problem: "not a legal bundle")
        }
        return bundle
    }

    /// Puts the bundle into a key folder: the audit key when the folder has none, and every ledger entry
    /// the folder's ledger lacks. Returns how many entries were added; refuses an audit key that differs
    /// from the folder's (its pseudonyms would not match).
    func install(into keyDirectory: String) throws(BackupError) -> Int {
        if mkdir(keyDirectory, 0o700) != 0 && errno != EEXIST {
            throw .io(path: keyDirectory, problem: String(cString: strerror(errno)))
        }
        let keyPath = keyDirectory + "/audit.key"
        if let auditKey, let bytes = Data(base64Encoded: auditKey) {
            if let existing = FileManager.default.contents(atPath: keyPath) {
                guard existing == bytes || erasures.isEmpty else {
                    throw .refused(
                        "\(keyPath) differs from the audit key the backup's erasure ledger was written with; "
                            + "restore with the key folder the erasures were made under"
                    )
                }
            } else {
                let file = try RawFile(writing: keyPath)
                try file.write([UInt8](bytes))
                try file.syncAndClose()
            }
        }
        let present = try LegalBundle.collect(keyDirectory: keyDirectory).erasures
        let missing = erasures.filter { !present.contains($0) }
        guard !missing.isEmpty else { return 0 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var lines = Data()
        for entry in missing {
            guard let line = try? encoder.encode(entry) else { throw .store("cannot encode a ledger entry") }
            lines.append(line)
            lines.append(0x0A)
        }
        let path = keyDirectory + "/erasures.jsonl"
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: path, problem: String(cString: strerror(errno))) }
        defer { close(fd) }
        let written = lines.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == lines.count, fsync(fd) == 0 else {
            throw .io(path: path, problem: String(cString: strerror(errno)))
        }
        return missing.count
    }
}
