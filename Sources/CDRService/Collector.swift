import CDRFraud
import CDRIngest
import Foundation
import Synchronization

/// Collects complete files from every source folder and loads them through one long-lived ``IngestJob``,
/// so stream detection sees all sources as one stream; then files are moved or left as each source says.
/// Between looks it judges records held for reordering once the sources go quiet, stores and hands over new
/// alerts, and runs whatever the service scheduled (``tick``). Runs on a thread of its own until ``stop()``.
public final class Collector: Sendable {
    /// What the loop needs, fixed at start.
    public struct Settings: Sendable {
        /// Seconds between looks at the folders.
        public var pollSeconds: Double
        /// Seconds without new records before held records are judged anyway.
        public var quietSeconds: Double
        /// Seconds a record may arrive late and still be put in order (the engine's reorder slack).
        public var reorderSeconds: Int64

        /// Creates settings.
        public init(pollSeconds: Double, quietSeconds: Double, reorderSeconds: Int64) {
            self.pollSeconds = pollSeconds
            self.quietSeconds = quietSeconds
            self.reorderSeconds = reorderSeconds
        }
    }

    private let stopping = Atomic<Bool>(false)
    private let reloading = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let statuses: Mutex<[SourceStatus]>

    /// Starts collecting on a new thread. `options` gives each source's read options; `desk` queues pushed
    /// CDRs (spooled in `spool`); `alerts` receives the ids of newly stored alerts; `tick` runs after every
    /// look; `log` gets one line per event.
    public init(
        job: sending IngestJob,
        sources: [FolderSource],
        options: [String: IngestOptions],
        settings: Settings,
        desk: PushDesk? = nil,
        spool: String = "",
        rules: (@Sendable () throws -> FraudEngine?)? = nil,
        alerts: @escaping @Sendable ([String]) -> Void,
        tick: @escaping @Sendable () -> Void,
        log: @escaping @Sendable (String) -> Void
    ) {
        let now = Date()
        statuses = Mutex(sources.map { SourceStatus(name: $0.name, staleMinutes: $0.staleMinutes, since: now) })
        let loop = Loop(
            job: job,
            sources: sources,
            options: options,
            settings: settings,
            pushes: desk.map { (desk: $0, batch: PushBatch(folder: spool)) },
            update: { [self] index, change in statuses.withLock { change(&$0[index]) } },
            log: log
        )
        desk?.onArrival { [wake] in wake.signal() }
        let thread = Thread { [self] in
            loop.recoverSpool()
            while !stopping.load(ordering: .acquiring) {
                if reloading.exchange(false, ordering: .acquiringAndReleasing), let rules {
                    loop.reload(rules, alerts)
                }
                loop.deliverPushes()
                loop.look(stopping: stopping)
                loop.judgeQuiet()
                loop.handOver(alerts)
                tick()
                _ = wake.wait(timeout: .now() + settings.pollSeconds)
            }
            loop.deliverPushes()
            desk?.refuseAll()
            loop.close(alerts)
            done.signal()
        }
        thread.name = "cdrpipe-collect"
        thread.start()
    }

    /// Each source's status now.
    public var status: [SourceStatus] { statuses.withLock { $0 } }

    /// Asks the loop to load the rules again (SIGHUP) before its next look.
    public func reloadRules() {
        reloading.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Asks the loop to stop after the file it is loading, and waits until it has.
    public func stop() {
        if !stopping.exchange(true, ordering: .acquiringAndReleasing) { wake.signal() }
        done.wait()
        done.signal()
    }
}
