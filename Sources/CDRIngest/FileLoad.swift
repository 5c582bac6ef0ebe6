import CDRFormats
import CDRSQLite
import CDRStorage
import Foundation

/// One file's load into the SQLite store: the writer's side of the parsing thread's messages, one method
/// per message. Counts, checkpoints and the file's registry entry live here; the run's state (progress,
/// alerts, the files of this run) stays with the ``IngestJob``.
final class FileLoad: RecordSink {
    private let job: IngestJob
    private let store: SQLiteStore
    private let path: String
    private let size: Int64
    private let headSHA256: [UInt8]
    private let sha256: [UInt8]?
    private let interrupted: FileEntry?
    private var fileID: Int64?
    /// The format the parser chose, once it has.
    private(set) var dialect: String?
    private var counts: LoadCounts
    private let countsBefore: LoadCounts
    private var sinceCheckpoint = 0
    /// The usage of the records this load stored, for the profiles (not kept for a resumed file, whose
    /// profiles are folded from all its stored records instead).
    private var usage = UsageTally()
    private var staged = false

    init(
        job: IngestJob,
        store: SQLiteStore,
        path: String,
        size: Int64,
        headSHA256: [UInt8],
        sha256: [UInt8]?,
        interrupted: FileEntry?
    ) {
        self.job = job
        self.store = store
        self.path = path
        self.size = size
        self.headSHA256 = headSHA256
        self.sha256 = sha256
        self.interrupted = interrupted
        counts = interrupted?.counts ?? LoadCounts()
        countsBefore = counts
    }

    /// The parser recognised the format: resume the interrupted entry or register the file.
    func open(dialect name: String) throws(StoreError) {
        dialect = name
        if let interrupted {
            try store.resumeFile(id: interrupted.id, path: path)
            fileID = interrupted.id
        } else {
            fileID = try store.beginFile(
                path: path,
                size: size,
                headSHA256: headSHA256,
                sha256: sha256,
                dialect: name
            )
        }
        if let fileID { job.runFiles.insert(fileID) }
    }

    /// Stores a batch (duplicates counted, not stored), hands the new records to detection, writes the
    /// rejects, and commits a checkpoint when one is due.
    func write(_ batch: ParsedBatch) throws {
        guard let id = fileID else { return }
        var stored: [DetectionThread.StoredCall] = []
        if job.detection != nil { stored.reserveCapacity(batch.records.count) }
        for (record, key) in batch.records {
            if try store.insert(record, key: key, fileID: id) {
                counts.stored += 1
                if interrupted == nil { usage.add(record) }
                if job.detection != nil { stored.append(.init(id: store.lastRecordID, call: record)) }
            } else {
                counts.duplicates += 1
            }
        }
        if let detection = job.detection {
            detection.send(stored, source: id)
            job.pendingAlerts.append(contentsOf: detection.drain())
            try job.storePendingAlerts()
        }
        if usage.count > job.options.usageBufferKeys {
            try store.stageUsage(fileID: id, usage.entries())
            usage.removeAll()
            staged = true
        }
        for reject in batch.rejects { job.rejects.write(reject, file: path) }
        counts.rejected += Int64(batch.rejects.count)
        counts.skipped.merge(batch.skipped, uniquingKeysWith: +)
        sinceCheckpoint += batch.records.count + batch.rejects.count
        if sinceCheckpoint >= job.options.checkpointEvery, path != "-" {
            try job.rejects.flush()
            try store.checkpoint(
                fileID: id,
                offset: batch.resume.offset,
                line: batch.resume.line,
                counts: counts,
                prefixBytes: batch.rawBytes,
                prefixSHA256: batch.prefixSHA256
            )
            sinceCheckpoint = 0
        }
        job.advance(records: batch.records.count + batch.rejects.count, rawBytes: batch.rawBytes)
    }

    /// The file is deliberately not loaded: what this transaction wrote of it is rolled back.
    func skip(_ error: SourceError) -> FileOutcome {
        store.rollback()
        return .skipped(path, dialect: dialect, reason: error.reason)
    }

    /// The parsing thread ended without a last message.
    func vanished() -> FileOutcome { .failed(path, "the parsing thread stopped without finishing") }

    /// The parser failed on the file: its records are withdrawn and the registry says why.
    func fail(_ error: SourceError) throws -> FileOutcome {
        try? job.rejects.flush()
        if let id = fileID {
            job.withdraw(fileID: id)
            try store.failFile(id: id, reason: error.reason)
        } else {
            let id = try store.beginFile(
                path: path,
                size: size,
                headSHA256: headSHA256,
                sha256: sha256,
                dialect: dialect ?? "unknown"
            )
            try store.failFile(id: id, reason: error.reason)
        }
        return .failed(path, error.reason, dialect: dialect, io: error.io)
    }

    /// The file was read to its end: the registry entry is finished with the counts and the whole-file hash.
    func finish(
        at end: ResumePoint,
        rawSHA256: [UInt8],
        rawBytes: Int64,
        incomplete incompleteness: String?
    ) throws -> FileOutcome {
        guard let id = fileID else { return .failed(path, "no records and no format") }
        try job.rejects.flush()
        try foldProfiles(fileID: id)
        try store.finishFile(
            id: id,
            sha256: sha256 ?? rawSHA256,
            size: rawBytes,
            offset: end.offset,
            line: end.line,
            counts: counts,
            incomplete: incompleteness
        )
        let delta = counts.since(countsBefore)
        var outcome = FileOutcome(
            path: path,
            status: interrupted == nil ? .loaded : .resumed,
            dialect: dialect,
            records: delta.stored,
            duplicates: delta.duplicates,
            rejected: delta.rejected,
            reason: interrupted.map { "resumed at line \($0.resumeLine) after an interrupted run" }
        )
        outcome.skippedRecords = delta.skipped
        outcome.incomplete = incompleteness
        return outcome
    }

    /// Folds the file's usage into the profiles in the transaction that finishes it: from what this load
    /// counted (and staged), or, for a file resumed after an interruption, from all its stored records.
    private func foldProfiles(fileID id: Int64) throws {
        if interrupted != nil {
            try store.foldProfiles(fileID: id)
            try store.discardStagedUsage(fileID: id)
        } else {
            try store.foldUsage(fileID: id, rest: usage.entries(), staged: staged)
        }
        usage.removeAll()
    }

    /// A store or rejects failure mid-file: nothing of the file stays; the outcome names the reason.
    func abort(_ error: any Error) -> FileOutcome {
        try? job.rejects.flush()
        store.rollback()
        if let id = fileID {
            job.withdraw(fileID: id)
            try? store.failFile(id: id, reason: "\(error)")
        }
        return .failed(path, error, database: store.connection.path, dialect: dialect)
    }
}
