import CDRFormats
import CDRModel
import CDRPostgres
import CDRStorage
import Foundation

/// One ingest worker loading into PostgreSQL. Any number of workers, on any machines, may run over the
/// same directory tree: each file is claimed by content hash with a lease before it is read, a worker
/// skips files others hold, and a file whose worker died is taken over once its lease runs out. Records
/// are deduplicated by content key in the database, so a file loaded partly twice is still stored once.
///
/// Fraud detection is not run inside PostgreSQL workers: several workers would split one subscriber's
/// window between them. It runs as a single consumer over committed records (see the README).
public final class PostgresIngestJob {
    private let store: PostgresStore
    private let options: IngestOptions
    private let rejects: RejectsWriter
    /// This worker's name in claims.
    public let worker: String
    private let leaseSeconds: Int
    private let wait: Bool
    private let copyBatch: Int
    private let started = Date()

    /// Creates a worker; with `wait`, it stays until every file is loaded by someone.
    public init(
        store: PostgresStore,
        options: IngestOptions,
        rejectsPath: String,
        worker: String,
        leaseSeconds: Int = 60,
        wait: Bool = false,
        copyBatch: Int = 50_000
    ) throws(SourceError) {
        self.store = store
        self.options = options
        rejects = try RejectsWriter(path: rejectsPath)
        self.worker = worker
        self.leaseSeconds = leaseSeconds
        self.wait = wait
        self.copyBatch = copyBatch
    }

    /// A default worker name: host and process id.
    public static var defaultWorker: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    private enum Attempt {
        case done(FileOutcome)
        case busy(String)
    }

    /// Loads every file this worker can claim and returns the run's summary.
    public func run(paths: [String]) -> IngestSummary {
        let own = URL(fileURLWithPath: rejects.path).standardizedFileURL.path
        var pending = IngestJob.expand(paths).filter { URL(fileURLWithPath: $0).standardizedFileURL.path != own }
        var outcomes: [String: FileOutcome] = [:]
        var order = pending
        while true {
            var busy: [String] = []
            for path in pending {
                switch attempt(path) {
                case .done(let outcome): outcomes[path] = outcome
                case .busy(let holder):
                    busy.append(path)
                    outcomes[path] = .skipped(path, reason: "being loaded by worker \(holder)")
                }
            }
            pending = busy
            if !wait || pending.isEmpty { break }
            Thread.sleep(forTimeInterval: min(2, Double(leaseSeconds) / 4))
        }
        order.removeAll { outcomes[$0] == nil }
        return IngestSummary(
            details: order.map { outcomes[$0]! },
            seconds: Date().timeIntervalSince(started),
            rejectsFile: rejects.path
        )
    }

    private func attempt(_ path: String) -> Attempt {
        guard path != "-" else {
            return .done(.failed(path, "standard input cannot be claimed across workers: write it to a file first"))
        }
        if let outcome = IngestJob.notRegularFile(path) { return .done(outcome) }
        let claim: PostgresStore.Claim
        do {
            let sha256 = try HashingSource<FileSource>.sha256(path: path)
            claim = try store.claim(
                path: path,
                sha256: sha256,
                size: IngestJob.size(of: path),
                worker: worker,
                leaseSeconds: leaseSeconds
            )
        } catch let error as SourceError {
            return .done(.failed(path, error.reason, io: error.io))
        } catch {
            return .done(.failed(path, "\(error)"))
        }
        switch claim {
        case .loaded(let loadedPath):
            return .done(.skipped(path, reason: "already loaded as \(loadedPath) (same SHA-256)"))
        case .busy(let holder): return .busy(holder)
        case .claimed(let id, let takenOver): return .done(load(path, fileID: id, takenOver: takenOver))
        }
    }

    private func load(_ path: String, fileID: Int64, takenOver: Bool) -> FileOutcome {
        let context: DecodeContext
        do { context = try options.decodeContext() } catch { return .failed(path, error.reason) }
        let queue = ParserThread.start(path: path, options: options, context: context, resume: .start)
        defer { queue.close() }
        return PostgresFileLoad(
            store: store,
            rejects: rejects,
            path: path,
            fileID: fileID,
            worker: worker,
            leaseSeconds: leaseSeconds,
            takenOver: takenOver,
            copyBatch: copyBatch
        ).drain(queue)
    }
}
