import CDRModel
import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The secret keys cdrpipe holds outside the database file (a directory of mode 0700, files of mode 0600):
/// one HMAC key per retention period (calendar month) for pseudonyms of subscribers in cells still being
/// rolled up, destroyed once nothing of that period needs them, and the audit key that pseudonymises
/// audit-log subjects.
public final class KeyVault: @unchecked Sendable {
    /// The directory holding the keys.
    public let directory: String
    private let readOnly: Bool
    private var ephemeral: [MonthIndex: SymmetricKey] = [:]

    /// The default key directory of a database: `<db>.keys` beside it.
    public static func defaultDirectory(forDatabase path: String) -> String { path + ".keys" }

    /// Opens (creating when needed) a key directory. A read-only vault never writes: a period key it lacks
    /// is made up in memory and forgotten (for dry runs).
    public init(directory: String, readOnly: Bool = false) throws(RetentionError) {
        self.directory = directory
        self.readOnly = readOnly
        if readOnly { return }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .key(path: directory, problem: String(cString: strerror(errno)))
        }
        chmod(directory, 0o700)
    }

    /// The key of a period (month index), created when missing.
    public func periodKey(month: MonthIndex) throws(RetentionError) -> SymmetricKey {
        let path = periodPath(month)
        if let key = try read(path) { return key }
        if readOnly {
            if let key = ephemeral[month] { return key }
            let key = SymmetricKey(size: .bits256)
            ephemeral[month] = key
            return key
        }
        return try create(path)
    }

    /// The key of a period if it exists on disk; never creates one.
    public func existingPeriodKey(month: MonthIndex) throws(RetentionError) -> SymmetricKey? {
        try read(periodPath(month))
    }

    /// The months that have a key on disk.
    public func periodMonths() -> [MonthIndex] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> MonthIndex? in
            guard name.hasPrefix("period-"), name.hasSuffix(".key") else { return nil }
            let parts = name.dropFirst(7).dropLast(4).split(separator: "-")
            guard parts.count == 2, let year = Int64(parts[0]), let month = Int64(parts[1]) else { return nil }
            return MonthIndex(year: year, month: month)
        }.sorted()
    }

    /// Destroys a period key: overwritten with zeros, synced, and unlinked.
    public func destroyPeriodKey(month: MonthIndex) throws(RetentionError) {
        if readOnly { return }
        let path = periodPath(month)
        let fd = open(path, O_WRONLY)
        if fd >= 0 {
            let zeros = [UInt8](repeating: 0, count: 32)
            _ = zeros.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            fsync(fd)
            close(fd)
        }
        if unlink(path) != 0 && errno != ENOENT { throw .key(path: path, problem: String(cString: strerror(errno))) }
    }

    /// A stable pseudonym of a data subject for the audit log: HMAC-SHA256 under the audit key, 16 bytes hex.
    public func auditPseudonym(_ number: String) throws(RetentionError) -> String {
        if number.isEmpty { return "" }
        let path = directory + "/audit.key"
        let key: SymmetricKey
        if let existing = try read(path) {
            key = existing
        } else if readOnly {
            return "unkeyed"
        } else {
            key = try create(path)
        }
        let code = HMAC<SHA256>.authenticationCode(for: Array(number.utf8), using: key)
        return code.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    private func periodPath(_ month: MonthIndex) -> String {
        "\(directory)/period-\(month).key"
    }

    private func read(_ path: String) throws(RetentionError) -> SymmetricKey? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard data.count == 32 else { throw .key(path: path, problem: "holds \(data.count) bytes, not 32") }
        return SymmetricKey(data: data)
    }

    private func create(_ path: String) throws(RetentionError) -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw .key(path: temporary, problem: String(cString: strerror(errno))) }
        let written = key.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        defer { unlink(temporary) }
        guard written == 32 else { throw .key(path: path, problem: "could not be written") }
        if link(temporary, path) != 0 {
            guard errno == EEXIST, let winner = try read(path) else {
                throw .key(path: path, problem: String(cString: strerror(errno)))
            }
            return winner
        }
        return key
    }
}

/// An exclusive advisory lock on a key directory for the length of a retention run, so two runs never
/// create or destroy the same period keys at once.
public final class RetentionLock {
    private let fd: Int32

    /// Takes the lock or throws if another retention run holds it.
    public init(vault: KeyVault) throws(RetentionError) {
        fd = open(vault.directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .key(path: vault.directory, problem: "cannot be opened to lock it") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .invalid("another cdrpipe retain is running on \(vault.directory)")
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
