import CDRIngest
import Foundation
import Synchronization

extension Collector {
    /// The collecting thread's state: the job, one watcher per source, and when records last came.
    ///
    /// `@unchecked Sendable` is sound: it is made before the thread starts and used by that thread only.
    final class Loop: @unchecked Sendable {
        private let job: IngestJob
        private let watchers: [ArrivalWatcher]
        private let options: [String: IngestOptions]
        private let settings: Settings
        private let log: @Sendable (String) -> Void
        private var lastRecords = Date()
        private var judged = true

        init(
            job: IngestJob,
            sources: [FolderSource],
            options: [String: IngestOptions],
            settings: Settings,
            log: @escaping @Sendable (String) -> Void
        ) {
            self.job = job
            watchers = sources.map(ArrivalWatcher.init)
            self.options = options
            self.settings = settings
            self.log = log
        }

        /// Loads every complete file of every source, one file at a time, checking `stopping` between files.
        func look(stopping: borrowing Atomic<Bool>, update: (Int, (inout SourceStatus) -> Void) -> Void) {
            for (index, watcher) in watchers.enumerated() {
                let ready = watcher.ready(now: Date())
                update(index) { $0.pending = ready.count }
                for path in ready {
                    if stopping.load(ordering: .acquiring) { return }
                    guard let outcome = load(path, watcher: watcher) else { continue }
                    update(index) { status in
                        status.pending -= 1
                        status.lastFileAt = Date()
                        status.records += outcome.records
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
            if outcome.records > 0 {
                lastRecords = Date()
                judged = false
            }
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
            do {
                let ids = try job.collectAlerts()
                if !ids.isEmpty { alerts(ids) }
            } catch {
                log("storing alerts failed: \(error); they are kept and retried")
            }
        }

        /// Judges everything still held, stores the last alerts and hands them over.
        func close(_ alerts: @Sendable ([String]) -> Void) {
            do {
                let ids = try job.close()
                if !ids.isEmpty { alerts(ids) }
            } catch {
                log("storing the last alerts failed: \(error)")
            }
        }
    }
}
