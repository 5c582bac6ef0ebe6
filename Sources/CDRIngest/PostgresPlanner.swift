import CDRFormats
import CDRPostgres
import CDRStorage

/// PostgreSQL's side of a run: each file is claimed by content hash with a lease before it is read, a file
/// another worker holds is busy, and one whose worker died is taken over once its lease runs out. Records
/// are deduplicated by content key in the database, so a file loaded partly twice is still stored once.
///
/// Workers do not detect fraud: several would split one subscriber's window between them. Detection runs
/// as a single consumer over committed records (`cdrpipe detect`).
final class PostgresPlanner: FilePlanner {
    private let store: PostgresStore
    private let worker: PostgresWorker

    init(store: PostgresStore, worker: PostgresWorker) {
        self.store = store
        self.worker = worker
    }

    var ownPaths: [String] { [] }
    var alertStore: (any DetectionStore)? { nil }
    var databaseName: String { "PostgreSQL" }
    var waitsForBusyFiles: Bool { worker.wait }
    var retryInterval: Double { min(2, Double(worker.leaseSeconds) / 4) }

    func plan(_ path: String, job: IngestJob) -> FilePlan {
        guard path != "-" else {
            return .done(.failed(path, "standard input cannot be claimed across workers: write it to a file first"))
        }
        let claim: PostgresStore.Claim
        do {
            let sha256 = try HashingSource<FileSource>.sha256(path: path)
            claim = try store.claim(
                path: path,
                sha256: sha256,
                size: IngestJob.size(of: path),
                worker: worker.name,
                leaseSeconds: worker.leaseSeconds
            )
        } catch let error as SourceError {
            return .done(.failed(path, error.reason, io: error.io))
        } catch {
            return .done(.failed(path, "\(error)"))
        }
        switch claim {
        case .loaded(let loadedPath):
            return .done(.skipped(path, reason: "already loaded as \(loadedPath) (same SHA-256)"))
        case .busy(let holder): return .busy(holder: holder)
        case .claimed(let id, let takenOver):
            return .load(resume: .start) { [store, worker] in
                PostgresFileLoad(job: job, store: store, path: path, fileID: id, worker: worker, takenOver: takenOver)
            }
        }
    }
}
