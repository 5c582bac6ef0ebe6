import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a backup's plaintext snapshot lives while it is taken or checked: beside the live database (the
/// one place that plaintext already is) or in a private 0700 folder, never in the backup folder, which is
/// copied off-site and kept for 30 days. Each name carries the process id, so a later run tells a crashed
/// run's leftovers from a running one's and removes them.
enum PlaintextScratch {
    static let prefix = ".cdrpipe-plaintext-"

    /// A fresh path in `folder` for this process.
    static func path(in folder: String, purpose: String) -> String {
        folder + "/" + prefix + "\(getpid())-\(purpose)-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
            + ".tmp"
    }

    /// A private folder (mode 0700) under the system's temporary folder, for checks with no database beside.
    static func privateFolder() throws(BackupError) -> String {
        let folder = NSTemporaryDirectory() + "/cdrpipe-\(getuid())"
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw .io(path: folder, problem: String(cString: strerror(errno)))
        }
        var status = stat()
        guard lstat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR, status.st_uid == getuid(),
            status.st_mode & 0o077 == 0
        else {
            throw .refused("\(folder) is not a private folder of this user; refusing to write plaintext there")
        }
        return folder
    }

    /// Removes leftovers in `folder` of processes that are gone (with their `-wal`/`-shm`), and, in a backup
    /// folder, the plaintext temporaries older versions wrote there (`.cdrpipe-*.snapshot.tmp`, `*.verify.tmp`).
    static func sweep(_ folder: String, backupFolder: Bool = false) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            let path = folder + "/" + name
            if name.hasPrefix(prefix) {
                let pid = name.dropFirst(prefix.count).prefix { $0.isNumber }
                if let pid = Int32(pid), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH { unlink(path) }
            } else if backupFolder, name.hasPrefix("."),
                name.contains(".snapshot.tmp") || name.contains(".verify.tmp")
            {
                unlink(path)
            }
        }
    }
}
