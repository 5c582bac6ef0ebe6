#if canImport(Glibc)
import Glibc
#endif

/// A file descriptor with whole-buffer reads and writes, for streaming backups without Foundation copies.
final class RawFile {
    let path: String
    private var fd: Int32

    /// Opens for reading.
    init(reading path: String) throws(BackupError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, problem: String(cString: strerror(errno))) }
    }

    /// Creates (or truncates) for writing, mode 0600.
    init(writing path: String) throws(BackupError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: path, problem: String(cString: strerror(errno))) }
        fchmod(fd, 0o600)
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Reads up to `buffer.count` bytes; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(BackupError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw .io(path: path, problem: String(cString: strerror(errno))) }
        }
    }

    /// Reads until `buffer` is full or the file ends; returns the bytes read.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(BackupError) -> Int {
        var total = 0
        while total < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if n == 0 { break }
            total += n
        }
        return total
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(BackupError) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, problem: String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) throws(BackupError) {
        try bytes.withUnsafeBytes { buffer in Result { () throws(BackupError) in try write(buffer) } }.get()
    }

    /// Fills `bytes` from the file as far as it goes; returns how many were read.
    func readFully(into bytes: inout [UInt8]) throws(BackupError) -> Int {
        try bytes.withUnsafeMutableBytes { buffer in Result { () throws(BackupError) in try readFully(into: buffer) } }
            .get()
    }

    /// Flushes to stable storage and closes.
    func syncAndClose() throws(BackupError) {
        guard fsync(fd) == 0 else { throw .io(path: path, problem: "fsync: \(String(cString: strerror(errno)))") }
        Glibc.close(fd)
        fd = -1
    }

    /// The file's size in bytes.
    static func size(_ path: String) -> Int64? {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : nil
    }

    /// Renames atomically and syncs the directory so the rename survives a crash.
    static func rename(_ from: String, to: String) throws(BackupError) {
        guard Glibc.rename(from, to) == 0 else { throw .io(path: to, problem: String(cString: strerror(errno))) }
        let directory = to.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            fsync(fd)
            Glibc.close(fd)
        }
    }
}
