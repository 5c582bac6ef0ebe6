import CDRStore

/// What happened to one input file.
public struct FileOutcome: Sendable, Encodable {
    /// loaded, resumed (loaded after an interrupted run), skipped (already loaded), or failed.
    public enum Status: String, Sendable, Encodable {
        case loaded, resumed, skipped, failed
    }

    public var path: String
    public var status: Status
    public var dialect: String?
    public var records: Int64
    public var duplicates: Int64
    public var rejected: Int64
    /// Why the file failed or was skipped.
    public var reason: String?
}

/// The result of an ingest run, printed as text or JSON.
public struct IngestSummary: Sendable, Encodable {
    public var files: Int
    public var records: Int64
    public var rejected: Int64
    public var duplicates: Int64
    public var skippedFiles: Int
    public var failedFiles: [FileOutcome]
    public var seconds: Double
    public var rejectsFile: String?
    public var details: [FileOutcome]

    enum CodingKeys: String, CodingKey {
        case files, records, rejected, duplicates, seconds, details
        case skippedFiles = "skipped_files"
        case failedFiles = "failed_files"
        case rejectsFile = "rejects_file"
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
        self.seconds = seconds
        self.rejectsFile = rejected > 0 ? rejectsFile : nil
    }

    /// 0 when everything loaded cleanly, 1 when records were rejected or files failed.
    public var exitCode: Int32 { rejected > 0 || !failedFiles.isEmpty ? 1 : 0 }
}
