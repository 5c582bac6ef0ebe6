import CDRFormats
import CDRStorage

/// What the store decided for one file before it is read.
enum FilePlan {
    /// Nothing to read: the file is already loaded, not a regular file, or cannot be registered.
    case done(FileOutcome)
    /// Another worker holds the file; it may be tried again later.
    case busy(holder: String)
    /// Read the file from `resume` into the sink `makeSink` creates.
    case load(resume: ResumePoint, makeSink: () -> any RecordSink)
}

/// The store's side of a run: which paths are its own, what to do with each file, and where alerts go.
/// ``SQLitePlanner`` and ``PostgresPlanner`` are the two; ``IngestJob`` drives either the same way.
protocol FilePlanner: AnyObject {
    /// Paths the run must never read (the database's own files).
    var ownPaths: [String] { get }
    /// The store alerts are kept in, or nil when this store does not detect while loading.
    var alertStore: (any DetectionStore)? { get }
    /// The database named in an outcome when a store error fails a file.
    var databaseName: String { get }
    /// With true, files another worker holds are retried until every file is loaded by someone.
    var waitsForBusyFiles: Bool { get }
    /// Seconds between rounds over busy files.
    var retryInterval: Double { get }
    /// Decides what to do with one file of `job`'s run.
    func plan(_ path: String, job: IngestJob) -> FilePlan
}
