import CDRFormats
import CDRSQLite
import CDRStorage

/// The embedded store's side of a run: a file already loaded (same SHA-256) is skipped, an interrupted
/// one (same bytes up to its last checkpoint) resumes there, and anything else is registered and loaded by
/// a ``FileLoad``.
final class SQLitePlanner: FilePlanner {
    private let store: SQLiteStore

    init(store: SQLiteStore) {
        self.store = store
    }

    var ownPaths: [String] {
        let path = store.connection.path
        return [path, path + "-wal", path + "-shm"]
    }

    var alertStore: (any DetectionStore)? { store }
    var databaseName: String { store.connection.path }
    var waitsForBusyFiles: Bool { false }
    var retryInterval: Double { 0 }

    func plan(_ path: String, job: IngestJob) -> FilePlan {
        var sha256: [UInt8]?
        var headSHA256: [UInt8] = []
        var size: Int64 = 0
        var interrupted: FileEntry?
        if path != "-" {
            do {
                size = IngestJob.size(of: path)
                headSHA256 = try HashingSource<FileSource>.headSHA256(path: path)
                let candidates = try store.candidates(size: size, headSHA256: headSHA256)
                if candidates.contains(where: { $0.status == .loaded }) {
                    let full = try HashingSource<FileSource>.sha256(path: path)
                    if let loaded = candidates.first(where: { $0.status == .loaded && $0.sha256 == full }) {
                        return .done(
                            .skipped(
                                path,
                                dialect: loaded.dialect,
                                reason: "already loaded as \(loaded.path) (same SHA-256)"
                            )
                        )
                    }
                    sha256 = full
                }
                if let partial = candidates.first(where: { $0.status == .loading }), let prefix = partial.prefixSHA256,
                    try HashingSource<FileSource>.sha256(path: path, limit: partial.prefixBytes) == prefix
                {
                    interrupted = partial
                }
            } catch {
                return .done(.failed(path, error, database: databaseName))
            }
        }
        let resume = interrupted.map { ResumePoint(offset: $0.resumeOffset, line: $0.resumeLine) } ?? .start
        return .load(resume: resume) { [store, size, headSHA256, sha256, interrupted] in
            FileLoad(
                job: job,
                store: store,
                path: path,
                size: size,
                headSHA256: headSHA256,
                sha256: sha256,
                interrupted: interrupted
            )
        }
    }
}
