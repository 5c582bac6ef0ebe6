import Foundation
import Synchronization

/// A job run once a day at a local time on a thread of its own, and at start when its last run is older
/// than the latest scheduled time (the service was down then). `lastRun` reads when the job last ran from
/// where the job leaves its trace (the store, the backup shelf), so a restart knows.
public final class DailyJob: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)

    /// Starts the job's thread; `run` returns a line for the log.
    public init(
        name: String,
        at time: DailyTime,
        zone: TimeZone,
        lastRun: @escaping @Sendable () -> Date?,
        run: @escaping @Sendable () -> String,
        log: @escaping @Sendable (String) -> Void
    ) {
        let thread = Thread { [self] in
            while !stopping.load(ordering: .acquiring) {
                if time.isDue(lastRun: lastRun(), now: Date(), in: zone) { log(run()) }
                _ = wake.wait(timeout: .now() + 30)
            }
        }
        thread.name = "cdrpipe-\(name)"
        thread.start()
    }

    /// Stops the thread after the run in progress, if any.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        wake.signal()
    }
}
