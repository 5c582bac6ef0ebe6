import CDRFormats
import CDRStorage

/// What happened to one input file.
public struct FileOutcome: Sendable, Encodable {
    /// loaded, resumed (loaded after an interrupted run), skipped (already loaded), or failed.
    public enum Status: String, Sendable, Encodable {
        case loaded, resumed, skipped, failed
    }

    /// The file (or `-`).
    public var path: String
    /// What happened to it.
    public var status: Status
    /// The format it was read as, once known.
    public var dialect: String?
    /// New records stored by this run.
    public var records: Int64
    /// Records already stored, not stored again.
    public var duplicates: Int64
    /// Records written to the rejects file.
    public var rejected: Int64
    /// Why the file failed or was skipped.
    public var reason: String?
    /// Records of kinds that describe no call (an MSC's SMS, location-update records), by kind: counted,
    /// not stored.
    public var skippedRecords: [String: Int64] = [:]
    /// Why a loaded file looks incomplete: its trailer disagrees with the records read.
    public var incomplete: String?
    /// True when the file failed because the operating system failed a read or write (exit status 4).
    public var ioError = false

    enum CodingKeys: String, CodingKey {
        case path, status, dialect, records, duplicates, rejected, reason, incomplete
        case skippedRecords = "skipped_records"
        case ioError = "io_error"
    }

    /// A file that failed for `reason`; nothing of it stays stored.
    static func failed(_ path: String, _ reason: String, dialect: String? = nil, io: Bool = false) -> FileOutcome {
        var outcome = FileOutcome(
            path: path,
            status: .failed,
            dialect: dialect,
            records: 0,
            duplicates: 0,
            rejected: 0,
            reason: reason
        )
        outcome.ioError = io
        return outcome
    }

    /// A file that failed on `error`: an operating-system failure of a read or write is marked as such, and
    /// a database one names the database file.
    static func failed(_ path: String, _ error: any Error, database: String, dialect: String? = nil) -> FileOutcome {
        if let error = error as? SourceError { return failed(path, error.reason, dialect: dialect, io: error.io) }
        if let error = error as? StoreError, error.isIO {
            return failed(path, "\(database): \(error.message) (\(error.context))", dialect: dialect, io: true)
        }
        return failed(path, "\(error)", dialect: dialect)
    }

    /// A file left alone for `reason`, having stored nothing.
    static func skipped(_ path: String, dialect: String? = nil, rejected: Int64 = 0, reason: String) -> FileOutcome {
        FileOutcome(
            path: path,
            status: .skipped,
            dialect: dialect,
            records: 0,
            duplicates: 0,
            rejected: rejected,
            reason: reason
        )
    }
}

/// The result of an ingest run, printed as text or JSON.
public struct IngestSummary: Sendable, Encodable {
    /// Files looked at.
    public var files: Int
    /// New records stored by this run.
    public var records: Int64
    /// Records written to the rejects file.
    public var rejected: Int64
    /// Records already stored, not stored again.
    public var duplicates: Int64
    /// Files skipped (already loaded, or CMR files).
    public var skippedFiles: Int
    /// Files that failed, with their reasons.
    public var failedFiles: [FileOutcome]
    /// Records of kinds that describe no call, by kind, across the run's files.
    public var skippedRecords: [String: Int64]
    /// Loaded files whose own trailer says records are missing.
    public var incompleteFiles: [FileOutcome]
    /// Wall-clock seconds for the run.
    public var seconds: Double
    /// Where rejects were written, when there were any.
    public var rejectsFile: String?
    /// One outcome per file, in load order.
    public var details: [FileOutcome]
    /// Ids of the fraud alerts this run stored.
    public var alertIDs: [String] = []
    /// Records that reached fraud detection after later-starting ones (counted, still observed).
    public var lateRecords: Int64 = 0
    /// Why alerts could not be stored, if they could not.
    public var fraudFailure: String?
    /// Records fraud detection observed.
    public var fraudObserved: Int64 = 0
    /// Detector state keys live at the end of the run (bounded by the key caps).
    public var fraudLiveKeys = 0
    /// The process's peak resident memory, in bytes, when the summary was printed.
    public var peakMemoryBytes: Int64?

    enum CodingKeys: String, CodingKey {
        case files, records, rejected, duplicates, seconds, details
        case alertIDs = "alerts"
        case lateRecords = "late_records"
        case fraudFailure = "fraud_failure"
        case fraudObserved = "fraud_observed"
        case fraudLiveKeys = "fraud_live_keys"
        case skippedFiles = "skipped_files"
        case failedFiles = "failed_files"
        case rejectsFile = "rejects_file"
        case skippedRecords = "skipped_records"
        case incompleteFiles = "incomplete_files"
        case peakMemoryBytes = "peak_memory_bytes"
    }

    /// Builds the totals from per-file outcomes.
    public init(details: [FileOutcome], seconds: Double, rejectsFile: String?) {
        self.details = details
        files = details.count
        records = details.reduce(0) { $0 + $1.records }
        rejected = details.reduce(0) { $0 + $1.rejected }
        duplicates = details.reduce(0) { $0 + $1.duplicates }
        skippedFiles = details.filter { $0.status == .skipped }.count
        failedFiles = details.filter { $0.status == .failed }
        skippedRecords = details.reduce(into: [:]) { total, file in
            total.merge(file.skippedRecords, uniquingKeysWith: +)
        }
        incompleteFiles = details.filter { $0.incomplete != nil }
        self.seconds = seconds
        self.rejectsFile = rejected > 0 ? rejectsFile : nil
    }

    /// 0 when everything loaded cleanly; 4 when a file failed on an operating-system read or write error;
    /// otherwise 1 when records were rejected, files failed or look incomplete.
    public var exitCode: Int32 {
        if failedFiles.contains(where: \.ioError) { return 4 }
        return rejected > 0 || !failedFiles.isEmpty || !incompleteFiles.isEmpty || fraudFailure != nil ? 1 : 0
    }
}
