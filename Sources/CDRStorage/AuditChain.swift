import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The secret that keys the audit log's hash chain, kept in the key folder outside the database
/// (`audit-chain.key`), and the checkpoint beside it (`audit-chain.head`) naming the newest entry. Without
/// the key nobody can recompute a chain after editing or deleting entries, and the checkpoint catches a log
/// cut short at its end.
public final class AuditChain: Sendable {
    /// The key folder holding the key and the checkpoint.
    public let directory: String
    /// The first entry id keyed with HMAC; entries before it (written before the key existed) are plain SHA-256.
    public let keyedFrom: Int64
    private let key: SymmetricKey

    static let keyName = "audit-chain.key"
    static let headName = "audit-chain.head"

    private init(directory: String, key: SymmetricKey, keyedFrom: Int64) {
        self.directory = directory
        self.key = key
        self.keyedFrom = keyedFrom
    }

    /// The chain key of a key folder; nil when it has none.
    public static func load(directory: String) throws(StoreError) -> AuditChain? {
        let path = directory + "/" + keyName
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard data.count == 40 else {
            throw StoreError(code: -1, message: "is not an audit chain key (40 bytes)", context: "reading \(path)")
        }
        let bytes = [UInt8](data)
        let keyedFrom = bytes[32...].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return AuditChain(directory: directory, key: SymmetricKey(data: bytes[..<32]), keyedFrom: keyedFrom)
    }

    /// The chain key of a key folder, created (keying entries from `nextID` on) when it has none.
    public static func loadOrCreate(directory: String, nextID: Int64) throws(StoreError) -> AuditChain {
        if let chain = try load(directory: directory) { return chain }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw StoreError(code: errno, message: String(cString: strerror(errno)), context: "creating \(directory)")
        }
        var bytes = SymmetricKey(size: .bits256).withUnsafeBytes { [UInt8]($0) }
        withUnsafeBytes(of: nextID.bigEndian) { bytes.append(contentsOf: $0) }
        try writeAtomically(bytes, to: directory + "/" + keyName, replacing: false)
        guard let chain = try load(directory: directory) else {
            throw StoreError(
                code: -1,
                message: "vanished after it was written",
                context: "creating the audit chain key"
            )
        }
        return chain
    }

    /// The key file's bytes, for a backup to carry.
    public static func keyFile(directory: String) -> Data? {
        FileManager.default.contents(atPath: directory + "/" + keyName)
    }

    /// Puts a key file carried by a backup into a key folder (replacing the folder's: the chain belongs to the
    /// database restored), or removes the folder's when the backup carried none; drops the checkpoint, which
    /// named the replaced database's last entry.
    public static func install(_ file: Data?, into directory: String) throws(StoreError) {
        let path = directory + "/" + keyName
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw StoreError(code: errno, message: String(cString: strerror(errno)), context: "creating \(directory)")
        }
        if let file {
            try writeAtomically([UInt8](file), to: path)
        } else if unlink(path) != 0 && errno != ENOENT {
            throw StoreError(code: errno, message: String(cString: strerror(errno)), context: "removing \(path)")
        }
        unlink(directory + "/" + headName)
    }

    /// The hash of an entry: HMAC-SHA256 under the key from ``keyedFrom`` on, plain SHA-256 before.
    func hash(_ entry: AuditEntry) -> [UInt8] {
        guard entry.id >= keyedFrom else { return AuditEntry.chainHash(entry) }
        var mac = HMAC<SHA256>(key: key)
        AuditEntry.feed(entry) { mac.update(data: $0) }
        return Array(mac.finalize())
    }

    /// Records the newest entry in the checkpoint, sealed with the key (written aside and renamed).
    public func checkpoint(_ entry: AuditEntry) {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: entry.id.bigEndian) { bytes.append(contentsOf: $0) }
        bytes += entry.hash
        bytes += Array(HMAC<SHA256>.authenticationCode(for: [0x68] + bytes, using: key))
        try? Self.writeAtomically(bytes, to: directory + "/" + Self.headName, sync: false)
    }

    /// The id and hash the checkpoint names; nil when there is none; throws when it is not sealed by the key.
    func readCheckpoint() throws(StoreError) -> (id: Int64, hash: [UInt8])? {
        let path = directory + "/" + Self.headName
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count == 72,
            HMAC<SHA256>.isValidAuthenticationCode(bytes[40...], authenticating: [0x68] + bytes[..<40], using: key)
        else {
            throw StoreError(code: -1, message: "is not sealed by the audit chain key", context: "reading \(path)")
        }
        let id = bytes[..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return (id, Array(bytes[8..<40]))
    }

    /// The chain a writer hashes the entry after `last` with: the key folder's (created when missing), or none
    /// without a key folder, which only an unkeyed log accepts.
    public static func forWriting(directory: String?, last: AuditEntry?) throws(StoreError) -> AuditChain? {
        guard let directory else {
            if let last, last.hash != AuditEntry.chainHash(last) {
                throw StoreError(
                    code: -1,
                    message: "the audit log is keyed: give the key folder holding \(keyName) (--key-dir)",
                    context: "appending to the audit log"
                )
            }
            return nil
        }
        return try loadOrCreate(directory: directory, nextID: (last?.id ?? 0) + 1)
    }

    /// The entry that follows `last` (nil for the first), hashed under `known`, else under the key folder's
    /// chain (created when missing; none without a folder, which only an unkeyed log accepts): what every
    /// store appends. Returns the chain used, for the store to keep.
    public static func entry(
        after last: AuditEntry?,
        known: AuditChain? = nil,
        keyDirectory: String?,
        actor: String,
        action: String,
        subject: String,
        outcome: String,
        detail: String
    ) throws(StoreError) -> (entry: AuditEntry, chain: AuditChain?) {
        var chain = known
        if chain == nil { chain = try forWriting(directory: keyDirectory, last: last) }
        let entry = AuditEntry.chained(
            id: (last?.id ?? 0) + 1,
            after: last?.hash,
            chain: chain,
            at: StoreClock.now(),
            actor: actor,
            action: action,
            subject: subject,
            outcome: outcome,
            detail: detail
        )
        return (entry, chain)
    }

    /// Writes `bytes` aside and moves them to `path`; a writer that does not `replace` leaves a file another
    /// process put there first (and the caller then reads that one).
    private static func writeAtomically(
        _ bytes: [UInt8],
        to path: String,
        sync: Bool = true,
        replacing: Bool = true
    ) throws(StoreError) {
        let temporary = path + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError(code: errno, message: String(cString: strerror(errno)), context: "writing \(temporary)")
        }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = !sync || fsync(fd) == 0
        close(fd)
        let placed = replacing ? rename(temporary, path) == 0 : (link(temporary, path) == 0 || errno == EEXIST)
        let reason = String(cString: strerror(errno))
        guard written == bytes.count, synced, placed else {
            unlink(temporary)
            throw StoreError(code: errno, message: reason, context: "writing \(path)")
        }
        if !replacing { unlink(temporary) }
    }
}
