import CDRFraud
import CDRIngest
import Foundation
import Synchronization

extension Collector {
    /// The collecting thread's state: the job, one watcher per source, and when records last came.
    ///
    /// `@unchecked Sendable` is sound: it is made before the thread starts and used by that thread only.
    final class Loop: @unchecked Sendable {
        private let job: IngestJob
        /// A watcher per source with a folder, with the source's index in the statuses.
        private let watchers: [(index: Int, watcher: ArrivalWatcher)]
        private let options: [String: IngestOptions]
        private let settings: Settings
        private let pushes: (desk: PushDesk, batch: PushBatch)?
        private let sourceIndex: [String: Int]
        /// Changes the status of the source at an index.
        private let update: @Sendable (Int, (inout SourceStatus) -> Void) -> Void
        private let log: @Sendable (String) -> Void
        private var lastRecords = Date()
        private var judged = true

        init(
            job: IngestJob,
            sources: [FolderSource],
            options: [String: IngestOptions],
            settings: Settings,
            pushes: (desk: PushDesk, batch: PushBatch)?,
            update: @escaping @Sendable (Int, (inout SourceStatus) -> Void) -> Void,
            log: @escaping @Sendable (String) -> Void
        ) {
            sourceIndex = Dictionary(sources.enumerated().map { ($0.element.name, $0.offset) }) { first, _ in first }
            self.update = update
            self.job = job
            watchers = sources.enumerated().filter { !$0.element.folder.isEmpty }.map {
                ($0.offset, ArrivalWatcher(source: $0.element))
            }
            self.options = options
            self.settings = settings
            self.pushes = pushes
            self.log = log
        }

        /// Stores the queued pushes, one batch per source and kind, and answers each request.
        func deliverPushes() {
            guard let (desk, batch) = pushes else { return }
            let pending = desk.take()
            guard !pending.isEmpty else { return }
            var groups: [String: [PushDesk.Pending]] = [:]
            var order: [String] = []
            for request in pending {
                let key = request.source + "." + request.kind.rawValue
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(request)
            }
            for key in order {
                let requests = groups[key] ?? []
                guard let outcome = batch.store(requests, desk: desk, job: job) else { continue }
                noteRecords(outcome)
                log(
                    "pushed \(requests.count) requests: \(outcome.status.rawValue), \(outcome.records) records, "
                        + "\(outcome.duplicates) duplicates" + (outcome.reason.map { " (\($0))" } ?? "")
                )
                if let index = requests.first.flatMap({ sourceIndex[$0.source] }), outcome.status != .failed {
                    update(index) { status in
                        status.stored(outcome.records, at: Date())
                        status.pushed += requests.count
                    }
                }
                if outcome.status == .failed { log("pushed CDRs not stored: \(outcome.reason ?? "")") }
            }
        }

        /// Loads the spool files a crash left (their senders were never answered and post again).
        func recoverSpool() {
            guard let (desk, batch) = pushes else { return }
            for (path, source, kind) in batch.leftovers() {
                let outcome = batch.load(path, kind: kind, source: source, desk: desk, job: job)
                log("pushed CDRs left by an earlier run: \(path): \(outcome?.status.rawValue ?? "not read")")
                if let outcome { noteRecords(outcome) }
            }
        }

        private func noteRecords(_ outcome: FileOutcome) {
            if outcome.records > 0 {
                lastRecords = Date()
                judged = false
            }
        }

        /// Loads every complete file of every source, one file at a time, checking `stopping` between files.
        func look(stopping: borrowing Atomic<Bool>) {
            for (index, watcher) in watchers {
                let ready = watcher.ready(now: Date())
                let oldest = ready.first.flatMap(ArrivalWatcher.stamp).map { Date(timeIntervalSince1970: $0.modified) }
                update(index) { status in
                    status.pending = ready.count
                    status.oldestPending = oldest
                }
                for path in ready {
                    if stopping.load(ordering: .acquiring) { return }
                    deliverPushes()
                    guard let outcome = load(path, watcher: watcher) else { continue }
                    update(index) { status in
                        status.pending -= 1
                        status.oldestPending = status.pending == 0 ? nil : status.oldestPending
                        status.stored(outcome.records, at: Date())
                        if outcome.status == .failed { status.failed += 1 } else { status.loaded += 1 }
                    }
                }
            }
        }

        /// Loads one file and puts it where its source says; nil when the job left it out (a store file).
        private func load(_ path: String, watcher: ArrivalWatcher) -> FileOutcome? {
            let source = watcher.source
            guard let outcome = job.load([path], options: options[source.name] ?? IngestOptions()).first else {
                watcher.markHandled(path)
                return nil
            }
            noteRecords(outcome)
            var line = "\(source.name): \(path): \(outcome.status.rawValue)"
            switch outcome.status {
            case .loaded, .resumed:
                line += ", \(outcome.records) records, \(outcome.duplicates) duplicates, \(outcome.rejected) rejected"
            case .skipped, .failed: line += " (\(outcome.reason ?? ""))"
            }
            if outcome.ioError || FileManager.default.fileExists(atPath: path) == false {
                watcher.markHandled(path)
                log(line + (outcome.ioError ? "; left in place to retry" : ""))
                return outcome
            }
            do {
                if let target = try FileDisposal(source: source).dispose(path, outcome: outcome) {
                    line += "; moved to \(target)"
                } else {
                    watcher.markHandled(path)
                }
            } catch {
                watcher.markHandled(path)
                line += "; could not be moved: \(error.localizedDescription)"
            }
            log(line)
            return outcome
        }

        /// Once no records have come for the quiet time, judges the records held for reordering up to the
        /// wall clock less the reorder slack.
        func judgeQuiet() {
            guard !judged, Date().timeIntervalSince(lastRecords) >= settings.quietSeconds else { return }
            judged = true
            job.advanceWatermark(to: Int64(Date().timeIntervalSince1970) - settings.reorderSeconds)
        }

        /// Stores the alerts raised so far and hands their ids over.
        func handOver(_ alerts: @Sendable ([String]) -> Void) {
            hand(alerts, failure: "storing alerts failed (kept and tried again)") { try $0.collectAlerts() }
        }

        /// Runs `step` on the job and hands over the ids of the alerts it stored; logs `failure` if it throws.
        private func hand(
            _ alerts: @Sendable ([String]) -> Void,
            failure: String,
            _ step: (IngestJob) throws -> [String]
        ) {
            do {
                let ids = try step(job)
                if !ids.isEmpty { alerts(ids) }
            } catch {
                log("\(failure): \(error)")
            }
        }

        /// Rebuilds detection from the rules files; a bad file leaves the running rules in place.
        func reload(_ rules: () throws -> FraudEngine?, _ alerts: @Sendable ([String]) -> Void) {
            do {
                guard let engine = try rules() else { return log("rules reloaded: detection is off in the config") }
                let ids = try job.replaceDetection(with: engine)
                if !ids.isEmpty { alerts(ids) }
                judged = true
                log("rules and risk ranges reloaded")
            } catch {
                log("reload refused, the running rules stay: \(error)")
            }
        }

        /// Judges everything still held, stores the last alerts and hands them over.
        func close(_ alerts: @Sendable ([String]) -> Void) {
            hand(alerts, failure: "storing the last alerts failed") { try $0.close() }
        }
    }
}
