import Dispatch

/// Runs the async `COPY` of a blocking session on its own dispatch queue rather than on Swift's shared
/// cooperative pool: a caller that blocks a pool thread waiting for the copy (a test, a server handler)
/// can then never starve the copy of the thread it needs.
final class CopyExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = CopyExecutor()
    private let queue = DispatchQueue(label: "cdrpipe.postgres.copy", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
