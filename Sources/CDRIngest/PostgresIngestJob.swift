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
        var dialect = "unknown"
        var rejected: Int64 = 0
        var skipped: [String: Int64] = [:]
        var batch = CopyBatch()
        let writer = BatchWriter(
            store: store,
            fileID: fileID,
            path: path,
            worker: worker,
            leaseSeconds: leaseSeconds
        )
        writer.start()
        func written() throws(PostgresStoreError) -> (written: Int64, stored: Int64) {
            try writer.finish().get()
        }
        do {
            while let message = queue.pop() {
                switch message {
                case .opened(let name): dialect = name
                case .batch(let records):
                    for (record, key) in records.records { batch.append(record, key: key, fileID: fileID) }
                    for reject in records.rejects { rejects.write(reject, file: path) }
                    batch.rejected += records.rejects.count
                    rejected += Int64(records.rejects.count)
                    skipped.merge(records.skipped, uniquingKeysWith: +)
                    if batch.count >= copyBatch {
                        try rejects.flush()
                        if !writer.write(batch) { _ = try written() }
                        batch = CopyBatch()
                    }
                case .failed(let error) where error.skip:
                    _ = try? written()
                    try store.release(fileID: fileID, worker: worker)
                    return .skipped(path, dialect: dialect, reason: error.reason)
                case .failed(let error):
                    try? rejects.flush()
                    _ = try? written()
                    try store.fail(fileID: fileID, worker: worker, reason: error.reason)
                    return .failed(path, error.reason, dialect: dialect, io: error.io)
                case .finished(_, _, _, let incompleteness):
                    try rejects.flush()
                    if !writer.write(batch) { _ = try written() }
                    let counts = try written()
                    try store.finish(
                        fileID: fileID,
                        worker: worker,
                        dialect: dialect,
                        skipped: LoadCounts(skipped: skipped).skippedText,
                        incomplete: incompleteness
                    )
                    var outcome = FileOutcome(
                        path: path,
                        status: takenOver ? .resumed : .loaded,
                        dialect: dialect,
                        records: counts.stored,
                        duplicates: counts.written - counts.stored,
                        rejected: rejected,
                        reason: takenOver ? "taken over after the previous worker's lease ran out" : nil
                    )
                    outcome.skippedRecords = skipped
                    outcome.incomplete = incompleteness
                    return outcome
                }
            }
            _ = try? written()
            return .failed(path, "the parsing thread stopped without finishing", dialect: dialect)
        } catch let error as PostgresStoreError {
            queue.close()
            _ = try? written()
            if case .claimLost = error {
                return .skipped(path, dialect: dialect, rejected: rejected, reason: error.description)
            }
            return .failed(path, error.description, dialect: dialect)
        } catch {
            queue.close()
            _ = try? written()
            return .failed(path, "\(error)", dialect: dialect)
        }
    }
}
