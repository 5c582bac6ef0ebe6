import CDRFormats
import CDRPostgres
import CDRStorage

/// One claimed file's load into PostgreSQL: records gathered into `COPY` batches handed to a
/// ``BatchWriter`` thread, rejects written as they come, the claim finished, failed or released at the end.
/// The PostgreSQL ``RecordSink``.
final class PostgresFileLoad: RecordSink {
    private let store: PostgresStore
    private let rejects: RejectsWriter
    private let path: String
    private let fileID: Int64
    private let worker: String
    private let takenOver: Bool
    private let copyBatch: Int
    private let job: IngestJob
    private let writer: BatchWriter
    private var batch = CopyBatch()
    private var rejected: Int64 = 0
    private var skipped: [String: Int64] = [:]
    private var format = "unknown"

    init(job: IngestJob, store: PostgresStore, path: String, fileID: Int64, worker: PostgresWorker, takenOver: Bool) {
        self.job = job
        self.store = store
        rejects = job.rejects
        self.path = path
        self.fileID = fileID
        self.worker = worker.name
        self.takenOver = takenOver
        copyBatch = worker.copyBatch
        writer = BatchWriter(
            store: store,
            fileID: fileID,
            path: path,
            worker: worker.name,
            leaseSeconds: worker.leaseSeconds
        )
        writer.start()
    }

    /// The format the parser chose (`unknown` until it has).
    var dialect: String? { format }

    private func written() throws(PostgresStoreError) -> (written: Int64, stored: Int64) {
        try writer.finish().get()
    }

    func open(dialect name: String) { format = name }

    func write(_ records: ParsedBatch) throws {
        for (record, key) in records.records { batch.append(record, key: key, fileID: fileID) }
        for reject in records.rejects { rejects.write(reject, file: path) }
        batch.rejected += records.rejects.count
        rejected += Int64(records.rejects.count)
        skipped.merge(records.skipped, uniquingKeysWith: +)
        job.advance(records: records.records.count + records.rejects.count, rawBytes: records.rawBytes)
        if batch.count >= copyBatch {
            try rejects.flush()
            if !writer.write(batch) { _ = try written() }
            batch = CopyBatch()
        }
    }

    func skip(_ error: SourceError) -> FileOutcome {
        _ = try? written()
        do { try store.release(fileID: fileID, worker: worker) } catch { return abort(error) }
        return .skipped(path, dialect: format, reason: error.reason)
    }

    func fail(_ error: SourceError) throws -> FileOutcome {
        try? rejects.flush()
        _ = try? written()
        try store.fail(fileID: fileID, worker: worker, reason: error.reason)
        return .failed(path, error.reason, dialect: format, io: error.io)
    }

    func finish(at end: ResumePoint, rawSHA256: [UInt8], rawBytes: Int64, incomplete: String?) throws -> FileOutcome {
        try rejects.flush()
        if !writer.write(batch) { _ = try written() }
        let counts = try written()
        try store.finish(
            fileID: fileID,
            worker: worker,
            dialect: format,
            skipped: LoadCounts(skipped: skipped).skippedText,
            incomplete: incomplete
        )
        var outcome = FileOutcome(
            path: path,
            status: takenOver ? .resumed : .loaded,
            dialect: format,
            records: counts.stored,
            duplicates: counts.written - counts.stored,
            rejected: rejected,
            reason: takenOver ? "taken over after the previous worker's lease ran out" : nil
        )
        outcome.skippedRecords = skipped
        outcome.incomplete = incomplete
        return outcome
    }

    func abort(_ error: any Error) -> FileOutcome {
        _ = try? written()
        if let error = error as? PostgresStoreError {
            if case .claimLost = error {
                return .skipped(path, dialect: format, rejected: rejected, reason: error.description)
            }
            return .failed(path, error.description, dialect: format)
        }
        return .failed(path, "\(error)", dialect: format)
    }

    func vanished() -> FileOutcome {
        _ = try? written()
        return .failed(path, "the parsing thread stopped without finishing", dialect: format)
    }
}
