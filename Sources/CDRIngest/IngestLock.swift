import Foundation

/// An exclusive advisory lock (`flock`) on the database file for the length of an ingest run, so two
/// runs never interleave their registries. SQLite's own locks are `fcntl` locks and do not interact.
public final class IngestLock {
    private let fd: Int32

    /// Takes the lock or throws if another ingest holds it.
    public init(databasePath: String) throws(IngestError) {
        fd = open(databasePath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IngestError("cannot open \(databasePath) to lock it") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw IngestError("another cdrpipe ingest is running on \(databasePath)", busy: true)
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// A run-level ingest failure (not a per-file one).
public struct IngestError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// Another ingest holds the database: try again once it has finished.
    public var busy: Bool

    /// Creates an error.
    public init(_ description: String, busy: Bool = false) {
        self.description = description
        self.busy = busy
    }
}
