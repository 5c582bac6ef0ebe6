import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the jobs of tasks that prefer it on a few threads of its own at a lower scheduling priority (nice
/// 10): an aggregate analysis streamed from the database sums its rows there, so it takes only the
/// processor time the server's event loops and Swift's shared pool leave, as the analysis lane's threads do.
/// (`@unchecked Sendable` is sound: the job list is only touched under its condition's lock.)
final class BackgroundExecutor: TaskExecutor, @unchecked Sendable {
    /// The process's one background executor (threads live as long as the process).
    static let shared = BackgroundExecutor(threads: 2, niceness: 10)

    /// Guards `jobs`; signalled when one is added.
    private let condition = NSCondition()
    /// Jobs waiting for a thread, oldest first from `head`.
    private var jobs: [UnownedJob] = []
    private var head = 0

    private init(threads: Int, niceness: Int32) {
        for index in 0..<threads {
            let thread = Thread { [self] in
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
                work()
            }
            thread.name = "cdrpipe-background-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
