import CDRFormats
import CDRFraud
import CDRModel
import CDRSQLite
import CDRStorage
import Foundation

/// When fraud detection sees a run's records.
public enum DetectionMode: String, Sendable, CaseIterable {
    /// While loading, on a thread of its own, through the watermark's reorder buffer: alerts come with
    /// the batch that carries them. Files are observed one after another, so a file covering hours an
    /// earlier file of the run already covered arrives late.
    case stream
    /// After every file of the run is stored, reading the run's records back in start order across
    /// files: for runs of files from several switches covering the same hours.
    case afterRun = "after-run"
}

/// Progress of a run, reported after each batch.
public struct IngestProgress: Sendable {
    /// Raw bytes read across the run's files.
    public var bytes: Int64
    /// Total bytes of the run's regular files (0 when reading standard input).
    public var totalBytes: Int64
    /// Records processed (stored, duplicate or rejected).
    public var records: Int64
    /// Seconds since the run started.
    public var elapsed: Double
}

/// Loads CDR files into the store: streaming, checkpointed, de-duplicated, with rejects kept.
///
/// Each file is parsed on its own thread while this thread inserts, so decoding and SQLite work
/// overlap on two cores. Memory is bounded by the batch size, the queue length and SQLite's cache.
public final class IngestJob {
    let store: SQLiteStore
    let options: IngestOptions
    let rejects: RejectsWriter
    let progress: (@Sendable (IngestProgress) -> Void)?
    let detection: DetectionThread?
    private let deferred: FraudEngine?
    var runFiles = Set<Int64>()
    var pendingAlerts: [Alert] = []
    private var storedAlerts: [String] = []
    private var failedSources = Set<Int64>()
    var bytesBefore: Int64 = 0
    var totalBytes: Int64 = 0
    var recordsSeen: Int64 = 0
    let started = Date()

    /// Creates a job writing rejects to `rejectsPath`.
    public init(
        store: SQLiteStore,
        options: IngestOptions,
        rejectsPath: String,
        progress: (@Sendable (IngestProgress) -> Void)? = nil,
        fraud: FraudEngine? = nil,
        mode: DetectionMode = .stream
    ) throws(SourceError) {
        self.store = store
        self.options = options
        detection = mode == .stream ? fraud.map { DetectionThread(engine: $0) } : nil
        deferred = mode == .afterRun ? fraud : nil
        rejects = try RejectsWriter(path: rejectsPath)
        self.progress = progress
    }

    /// The files a list of paths names: directories walked recursively in sorted order, hidden files
    /// skipped; `-` is standard input. Missing paths are kept so they fail with a clear reason.
    public static func expand(_ paths: [String]) -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard path != "-", manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let children = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted()
            for child in children where !child.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                let full = (path as NSString).appendingPathComponent(child)
                if manager.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                    files.append(full)
                }
            }
        }
        return files
    }

    /// Loads every file and returns the run's summary.
    public func run(paths: [String]) -> IngestSummary {
        let own = Set(
            [store.connection.path, store.connection.path + "-wal", store.connection.path + "-shm", rejects.path].map {
                URL(fileURLWithPath: $0).standardizedFileURL.path
            }
        )
        let files = Self.expand(paths).filter { !own.contains(URL(fileURLWithPath: $0).standardizedFileURL.path) }
        let sizes = files.map(Self.size(of:))
        totalBytes = sizes.reduce(0, +)
        var outcomes: [FileOutcome] = []
        for (file, size) in zip(files, sizes) {
            outcomes.append(ingest(file: file))
            bytesBefore += size
        }
        var fraudFailure: String?
        var pass: DetectionPass.Outcome?
        if let deferred {
            do {
                pass = try DetectionPass(engine: deferred).run(store: store, files: runFiles.subtracting(failedSources))
                storedAlerts = pass?.alertIDs ?? []
            } catch {
                fraudFailure = "detection after the run failed: \(error)"
            }
        }
        if let detection {
            pendingAlerts.append(contentsOf: detection.finish())
            do {
                try store.atomically { try storePendingAlerts() }
            } catch {
                fraudFailure = "storing alerts failed: \(error)"
            }
        }
        var summary = IngestSummary(
            details: outcomes,
            seconds: Date().timeIntervalSince(started),
            rejectsFile: rejects.path
        )
        summary.alertIDs = storedAlerts
        summary.lateRecords = detection?.late ?? 0
        summary.fraudObserved = detection?.state.observed ?? pass?.observed ?? 0
        summary.fraudLiveKeys = detection?.state.liveKeys ?? pass?.liveKeys ?? 0
        summary.fraudFailure = fraudFailure
        return summary
    }

    /// Stores the alerts raised so far (inside the current transaction).
    func storePendingAlerts() throws(StoreError) {
        for alert in pendingAlerts where !failedSources.contains(alert.source ?? -1) {
            if try store.insertAlert(AlertRow(alert)) { storedAlerts.append(alert.id) }
        }
        pendingAlerts.removeAll()
    }

    /// Forgets a failed file's buffered records and not-yet-stored alerts (the store drops its stored ones).
    func withdraw(fileID: Int64) {
        detection?.discard(source: fileID)
        failedSources.insert(fileID)
        pendingAlerts.removeAll { $0.source == fileID }
        let dropped = Set(((try? store.alerts(ids: storedAlerts)) ?? []).filter { $0.fileID == fileID }.map(\.id))
        storedAlerts.removeAll { dropped.contains($0) }
    }

    /// The outcome for a path that names something other than a regular file (a FIFO, socket or device,
    /// which would block or never end), found without opening it; nil for a regular or missing file.
    static func notRegularFile(_ path: String) -> FileOutcome? {
        var status = stat()
        guard path != "-", stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG else { return nil }
        return .skipped(path, reason: "not a regular file (a FIFO, socket or device): not read")
    }

    /// A file's size in bytes (0 for standard input or a missing file).
    static func size(of path: String) -> Int64 {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
    }

    /// Loads one file (or standard input).
    public func ingest(file path: String) -> FileOutcome {
        if let outcome = Self.notRegularFile(path) { return outcome }
        let isStdin = path == "-"
        var sha256: [UInt8]?
        var headSHA256: [UInt8] = []
        var size: Int64 = 0
        var interrupted: FileEntry?
        do {
            if !isStdin {
                size = Self.size(of: path)
                headSHA256 = try HashingSource<FileSource>.headSHA256(path: path)
                let candidates = try store.candidates(size: size, headSHA256: headSHA256)
                if candidates.contains(where: { $0.status == .loaded }) {
                    let full = try HashingSource<FileSource>.sha256(path: path)
                    if let loaded = candidates.first(where: { $0.status == .loaded && $0.sha256 == full }) {
                        return .skipped(
                            path,
                            dialect: loaded.dialect,
                            reason: "already loaded as \(loaded.path) (same SHA-256)"
                        )
                    }
                    sha256 = full
                }
                if let partial = candidates.first(where: { $0.status == .loading }), let prefix = partial.prefixSHA256,
                    try HashingSource<FileSource>.sha256(path: path, limit: partial.prefixBytes) == prefix
                {
                    interrupted = partial
                }
            }
        } catch {
            return .failed(path, error, database: store.connection.path)
        }
        let resume = interrupted.map { ResumePoint(offset: $0.resumeOffset, line: $0.resumeLine) } ?? .start
        let context: DecodeContext
        do {
            context = try options.decodeContext()
        } catch {
            return .failed(path, error.reason)
        }
        let queue = ParserThread.start(path: path, options: options, context: context, resume: resume)
        defer { queue.close() }
        return write(
            path: path,
            size: size,
            headSHA256: headSHA256,
            sha256: sha256,
            interrupted: interrupted,
            queue: queue
        )
    }

    private func write(
        path: String,
        size: Int64,
        headSHA256: [UInt8],
        sha256: [UInt8]?,
        interrupted: FileEntry?,
        queue: BoundedQueue<ParserMessage>
    ) -> FileOutcome {
        FileLoad(
            job: self,
            path: path,
            size: size,
            headSHA256: headSHA256,
            sha256: sha256,
            interrupted: interrupted
        ).drain(queue)
    }
}
