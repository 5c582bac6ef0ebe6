import CDRFormats
import CDRFraud
import CDRModel
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

/// Loads CDR files into a store: streaming, checkpointed, de-duplicated, with rejects kept.
///
/// Each file is parsed on its own thread while this thread writes, so decoding and store work overlap on
/// two cores. Memory is bounded by the batch size, the queue length and the store's cache. The store's
/// ``FilePlanner`` decides each file (load, resume, skip, or wait for another worker) and makes the
/// ``RecordSink`` its records go to; the loop, rejects, progress and stream detection are the same for both.
public final class IngestJob {
    private let planner: any FilePlanner
    private(set) var options: IngestOptions
    let rejects: RejectsWriter
    private let progress: (@Sendable (IngestProgress) -> Void)?
    private(set) var detection: DetectionThread?
    private let deferred: FraudEngine?
    var runFiles = Set<Int64>()
    var pendingAlerts: [Alert] = []
    private var storedAlerts: [String] = []
    private var failedSources = Set<Int64>()
    private var bytesBefore: Int64 = 0
    private var totalBytes: Int64 = 0
    private var recordsSeen: Int64 = 0
    private let started = Date()

    /// Creates a job loading into `target` and writing rejects to `rejectsPath`; `fraud` needs a store that
    /// detects while loading (SQLite).
    public init(
        into target: IngestTarget,
        options: IngestOptions,
        rejectsPath: String,
        progress: (@Sendable (IngestProgress) -> Void)? = nil,
        fraud: FraudEngine? = nil,
        mode: DetectionMode = .stream
    ) throws(SourceError) {
        switch target {
        case .sqlite(let store): planner = SQLitePlanner(store: store)
        case .postgres(let store, let worker): planner = PostgresPlanner(store: store, worker: worker)
        }
        if fraud != nil, planner.alertStore == nil {
            throw SourceError("this store does not detect fraud while loading: run `cdrpipe detect`, the one consumer")
        }
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
        let outcomes = load(files(in: paths))
        var summary = IngestSummary(details: outcomes, seconds: 0, rejectsFile: rejects.path)
        summary.fraudFailure = finishDetection(&summary)
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Loads `paths` read with `options` (a collected source's own) into a job that stays open for more:
    /// stream detection keeps its state across calls. Returns each file's outcome.
    public func load(_ paths: [String], options: IngestOptions) -> [FileOutcome] {
        self.options = options
        return load(files(in: paths))
    }

    /// Stores the alerts stream detection has raised so far and returns the ids of every alert stored since
    /// the last call (for a job that stays open).
    public func collectAlerts() throws -> [String] {
        try storeDetected { $0.drain() }
    }

    /// Ends stream detection of a job that stayed open: judges every record still held, stores the last
    /// alerts and returns the ids of the alerts stored since ``collectAlerts()`` last ran.
    public func close() throws -> [String] {
        try storeDetected(finishing: true) { $0.finish() }
    }

    /// Stores what `take` hands over from the detection thread (with every live subject's baseline when
    /// `finishing`), and returns and forgets the ids stored so far.
    private func storeDetected(finishing: Bool = false, _ take: (DetectionThread) -> [Alert]) throws -> [String] {
        if let detection, let store = planner.alertStore {
            pendingAlerts.append(contentsOf: take(detection))
            try store.atomically {
                try storePendingAlerts()
                if finishing { try storeFinalBaselines(of: detection) }
            }
        }
        defer { storedAlerts.removeAll() }
        return storedAlerts
    }

    /// Swaps stream detection for one with new rules (a service reloading its rules): the old engine judges
    /// every record it holds first and its alerts are stored. Returns the ids of the alerts stored since
    /// ``collectAlerts()`` last ran. The new engine starts with empty windows; stored profiles carry over.
    public func replaceDetection(with engine: FraudEngine) throws -> [String] {
        let ids = try close()
        detection = DetectionThread(engine: engine)
        return ids
    }

    /// Judges the records stream detection still holds for reordering that started at or before
    /// `watermark` (event time): for sources gone quiet. Their alerts come with ``collectAlerts()``.
    public func advanceWatermark(to watermark: Int64) {
        detection?.advance(to: watermark)
    }

    /// The files a run over `paths` reads: directories expanded, the store's and the rejects' own files left out.
    private func files(in paths: [String]) -> [String] {
        let own = Set((planner.ownPaths + [rejects.path]).map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        return Self.expand(paths).filter { !own.contains(URL(fileURLWithPath: $0).standardizedFileURL.path) }
    }

    /// Loads `files` in order; files another worker holds are retried in rounds while the planner waits.
    private func load(_ files: [String]) -> [FileOutcome] {
        let sizes = files.map(Self.size(of:))
        bytesBefore = 0
        totalBytes = sizes.reduce(0, +)
        var outcomes = [FileOutcome?](repeating: nil, count: files.count)
        var pending = Array(files.indices)
        while true {
            var busy: [Int] = []
            for index in pending {
                let path = files[index]
                switch Self.notRegularFile(path).map(FilePlan.done) ?? planner.plan(path, job: self) {
                case .done(let outcome): outcomes[index] = outcome
                case .busy(let holder):
                    busy.append(index)
                    outcomes[index] = .skipped(path, reason: "being loaded by worker \(holder)")
                case .load(let resume, let makeSink): outcomes[index] = read(path, from: resume, into: makeSink)
                }
                bytesBefore += sizes[index]
            }
            pending = busy
            if !planner.waitsForBusyFiles || pending.isEmpty { break }
            Thread.sleep(forTimeInterval: planner.retryInterval)
        }
        return outcomes.compactMap { $0 }
    }

    /// Parses one file on its own thread into the sink the planner made for it.
    private func read(_ path: String, from resume: ResumePoint, into makeSink: () -> any RecordSink) -> FileOutcome {
        let context: DecodeContext
        do {
            context = try options.decodeContext()
        } catch {
            return .failed(path, error.reason)
        }
        let queue = ParserThread.start(path: path, options: options, context: context, resume: resume)
        defer { queue.close() }
        let outcome = makeSink().drain(queue)
        detection?.profilesChanged()
        return outcome
    }

    /// Runs the after-run pass or stores the stream's last alerts; fills the summary's fraud figures and
    /// returns what failed, if anything.
    private func finishDetection(_ summary: inout IngestSummary) -> String? {
        guard let store = planner.alertStore else { return nil }
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
                try store.atomically {
                    try storePendingAlerts()
                    try storeFinalBaselines(of: detection)
                }
            } catch {
                fraudFailure = "storing alerts failed: \(error)"
            }
        }
        summary.alertIDs = storedAlerts
        summary.lateRecords = detection?.late ?? 0
        summary.fraudObserved = detection?.state.observed ?? pass?.observed ?? 0
        summary.fraudLiveKeys = detection?.state.liveKeys ?? pass?.liveKeys ?? 0
        return fraudFailure
    }

    /// Counts `records` processed (stored, duplicate or rejected) and reports progress at `rawBytes` into
    /// the current file.
    func advance(records: Int, rawBytes: Int64) {
        recordsSeen += Int64(records)
        progress?(
            IngestProgress(
                bytes: bytesBefore + rawBytes,
                totalBytes: totalBytes,
                records: recordsSeen,
                elapsed: Date().timeIntervalSince(started)
            )
        )
    }

    /// Stores the alerts raised so far, and the baselines detection has learnt (inside the current
    /// transaction).
    func storePendingAlerts() throws {
        guard let store = planner.alertStore else { return }
        for alert in pendingAlerts where !failedSources.contains(alert.source ?? -1) {
            if try store.insertAlert(AlertRow(alert)) { storedAlerts.append(alert.id) }
        }
        pendingAlerts.removeAll()
        if let learnt = detection?.drainBaselines(), !learnt.isEmpty, let profiles = store as? any ProfileStore {
            try profiles.saveBaselines(learnt)
        }
    }

    /// Stores every live subject's baseline from finished stream detection, a few thousand at a time (inside
    /// the current transaction).
    private func storeFinalBaselines(of detection: DetectionThread) throws {
        guard let profiles = planner.alertStore as? any ProfileStore else { return }
        try profiles.saveBaselines { detection.takeFinalBaselines(chunk: 4_096, $0) }
    }

    /// Forgets a failed file's buffered records and not-yet-stored alerts (the store drops its stored ones).
    func withdraw(fileID: Int64) {
        detection?.discard(source: fileID)
        failedSources.insert(fileID)
        pendingAlerts.removeAll { $0.source == fileID }
        let dropped = Set(
            ((try? planner.alertStore?.alerts(ids: storedAlerts)) ?? []).filter { $0.fileID == fileID }.map(\.id)
        )
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
}
