import CDRPostgres
import Foundation
import Synchronization

/// Writes a file's encoded batches to PostgreSQL on a thread of its own, so that reading and encoding the
/// next batch overlaps the server's work on the previous one. The store is used by this thread only
/// between ``start()`` and ``finish()``.
final class BatchWriter: @unchecked Sendable {
    private let store: PostgresStore
    private let queue = BoundedQueue<CopyBatch>(capacity: 1)
    private let done = DispatchSemaphore(value: 0)
    private let result = Mutex<(stored: Int64, written: Int64, error: PostgresStoreError?)>((0, 0, nil))
    private let fileID: Int64
    private let path: String
    private let worker: String
    private let leaseSeconds: Int
    private var finished = false

    init(store: PostgresStore, fileID: Int64, path: String, worker: String, leaseSeconds: Int) {
        self.store = store
        self.fileID = fileID
        self.path = path
        self.worker = worker
        self.leaseSeconds = leaseSeconds
    }

    /// Starts the writing thread.
    func start() {
        let thread = Thread { [self] in
            while let batch = queue.pop() {
                do throws(PostgresStoreError) {
                    let stored = try store.store(
                        batch,
                        fileID: fileID,
                        path: path,
                        worker: worker,
                        leaseSeconds: leaseSeconds
                    )
                    result.withLock {
                        $0.stored += stored
                        $0.written += Int64(batch.count)
                    }
                } catch {
                    result.withLock { $0.error = error }
                    queue.close()
                }
            }
            done.signal()
        }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Hands a batch over, waiting while the previous one is still queued; false once writing failed.
    func write(_ batch: CopyBatch) -> Bool { queue.push(batch) }

    /// Waits for every batch handed over to be written (once; later calls answer at once); returns the
    /// records written and newly stored, or the first error.
    func finish() -> Result<(written: Int64, stored: Int64), PostgresStoreError> {
        if !finished {
            queue.close()
            done.wait()
            finished = true
        }
        let (stored, written, error) = result.withLock { $0 }
        if let error { return .failure(error) }
        return .success((written, stored))
    }
}
