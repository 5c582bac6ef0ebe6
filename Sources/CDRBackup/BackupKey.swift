import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// The secret that seals backups at rest: 32 random bytes in a file of mode 0600. Without it a backup
/// cannot be read, so a copy belongs somewhere other than the machine and the off-site store.
public struct BackupKey: Sendable {
    let key: SymmetricKey
    /// A short public fingerprint, stored in manifests to tell a wrong key from a damaged file.
    public let fingerprint: String

    /// Reads the key at `path`; with `create`, makes one when the file does not exist.
    public init(path: String, create: Bool) throws(BackupError) {
        var info = stat()
        if stat(path, &info) != 0 {
            guard create, errno == ENOENT else {
                throw .key(path: path, problem: "does not exist (create one with `cdrpipe backup create --key`)")
            }
            let fresh = SymmetricKey(size: .bits256)
            let file = try RawFile(writing: path + ".tmp")
            try file.write(fresh.withUnsafeBytes { Array($0) })
            try file.syncAndClose()
            try RawFile.rename(path + ".tmp", to: path)
            self.init(fresh)
            return
        }
        guard info.st_mode & 0o077 == 0 else {
            throw .key(
                path: path,
                problem: "is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it"
            )
        }
        let file = try RawFile(reading: path)
        var bytes = [UInt8](repeating: 0, count: 33)
        let count = try file.readFully(into: &bytes)
        guard count == 32 else { throw .key(path: path, problem: "holds \(count) bytes, not 32") }
        self.init(SymmetricKey(data: bytes[0..<32]))
    }

    init(_ key: SymmetricKey) {
        self.key = key
        let digest = SHA256.hash(data: key.withUnsafeBytes { Array($0) } + Array("cdrpipe backup key".utf8))
        fingerprint = hex(Array(digest.prefix(8)))
    }

    /// The key that authenticates manifests (derived, so the sealing key is never used twice over).
    var manifestKey: SymmetricKey {
        SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array("cdrpipe manifest".utf8), using: key))
    }
}
