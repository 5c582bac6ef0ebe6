import CDRModel
import CDRStorage
import Foundation

/// Reads stored records in start order on a thread of its own, a batch at a time, so a detection pass
/// judges one batch while the store reads and decodes the next: on two cores the reading was a third of
/// the pass.
///
/// `@unchecked Sendable` is sound: `store` is used only by the scanning thread until ``finish()`` has
/// returned, and `failure` is written before the queue closes and read only after the thread has ended.
final class RecordScanner: @unchecked Sendable {
    /// A stored record, its id and its file.
    struct Scanned: Sendable {
        var id: Int64
        var fileID: Int64
        var call: CallRecord
    }

    private let store: any DetectionStore
    private let queue = BoundedQueue<[Scanned]>(capacity: 4)
    private let ended = DispatchSemaphore(value: 0)
    private var failure: (any Error)?

    /// Starts reading the records of `days` and `files` (all when nil) from `store`, `batch` at a time.
    init(store: any DetectionStore, days: ClosedRange<Int64>?, files: Set<Int64>?, batch: Int = 1_024) {
        self.store = store
        let thread = Thread { [self] in scan(days: days, files: files, batch: max(1, batch)) }
        thread.name = "cdrpipe-scan"
        thread.start()
    }

    private func scan(days: ClosedRange<Int64>?, files: Set<Int64>?, batch: Int) {
        var pending: [Scanned] = []
        pending.reserveCapacity(batch)
        do {
            try store.scanRecords(days: days, files: files) { id, fileID, call in
                pending.append(Scanned(id: id, fileID: fileID, call: call))
                if pending.count >= batch {
                    _ = queue.push(pending)
                    pending = []
                    pending.reserveCapacity(batch)
                }
            }
            if !pending.isEmpty { _ = queue.push(pending) }
        } catch {
            failure = error
        }
        queue.close()
        ended.signal()
    }

    /// The next batch of records in start order; nil once all are read (or the scan failed).
    func next() -> [Scanned]? { queue.pop() }

    /// Waits for the scanning thread to end and hands the store back; throws what the scan failed with.
    func finish() throws {
        queue.close()
        ended.wait()
        if let failure { throw failure }
    }
}
