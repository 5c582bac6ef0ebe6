import CDRFraud
import CDRModel
import Foundation

/// Runs fraud detection on its own thread, fed with the records the writer has just stored, so detection
/// overlaps with parsing and inserting. It runs at the writer's priority, so it keeps pace with it; the
/// parsing thread is the one that yields (see ``ParserThread``). Alerts, and the baselines detectors learn,
/// are collected for the writer to store.
///
/// `@unchecked Sendable` is sound: `engine` is used only by the detection thread once started (and by
/// nobody before), `lookup` is `Sendable`, and `alerts`, `late` and `observed` are used only under `lock`.
final class DetectionThread: @unchecked Sendable {
    private enum Message: Sendable {
        case records([StoredCall], source: Int64)
        case discard(source: Int64)
        case advance(to: Int64)
    }

    /// A stored record and its id.
    struct StoredCall: Sendable {
        var id: Int64
        var call: CallRecord
    }

    private let engine: FraudEngine
    private let lookup: (any ProfileLookup)?
    private let queue = BoundedQueue<Message>(capacity: 8)
    private let lock = NSLock()
    private let finished = DispatchSemaphore(value: 0)
    private var alerts: [Alert] = []
    private var baselines: [SubjectBaseline] = []
    private var lateCount: Int64 = 0
    private var observedCount: Int64 = 0
    private var keys = 0

    /// Starts the thread.
    init(engine: FraudEngine) {
        self.engine = engine
        lookup = engine.profileLookup
        let thread = Thread { [self] in run() }
        thread.name = "cdrpipe-detect"
        thread.start()
    }

    private func run() {
        while let message = queue.pop() {
            switch message {
            case .records(let calls, let source):
                var raised: [Alert] = []
                for stored in calls {
                    engine.add(id: stored.id, call: stored.call, source: source) { raised.append($0) }
                }
                collect(raised, engine.takeBaselines())
            case .discard(let source):
                engine.discard(source: source)
            case .advance(let watermark):
                var raised: [Alert] = []
                engine.advance(to: watermark) { raised.append($0) }
                collect(raised, engine.takeBaselines())
            }
            engine.pauseLookups()
        }
        var raised: [Alert] = []
        engine.finish { raised.append($0) }
        engine.pauseLookups()
        collect(raised, engine.takeBaselines())
        lock.lock()
        lateCount = engine.late
        observedCount = engine.observed
        keys = engine.liveKeys
        lock.unlock()
        finished.signal()
    }

    private func collect(_ raised: [Alert], _ learnt: [SubjectBaseline]) {
        guard !raised.isEmpty || !learnt.isEmpty else { return }
        lock.lock()
        alerts.append(contentsOf: raised)
        baselines.append(contentsOf: learnt)
        lock.unlock()
    }

    /// Hands over a batch of newly stored records from one file.
    func send(_ calls: [StoredCall], source: Int64) {
        if !calls.isEmpty { _ = queue.push(.records(calls, source: source)) }
    }

    /// Tells detection that the writer has folded a file's usage into the stored profiles.
    func profilesChanged() { lookup?.storeChanged() }

    /// Withdraws a failed file's records still waiting for the watermark.
    func discard(source: Int64) {
        _ = queue.push(.discard(source: source))
    }

    /// Releases records buffered for reordering that started at or before `watermark` (event time).
    func advance(to watermark: Int64) {
        _ = queue.push(.advance(to: watermark))
    }

    /// The alerts raised so far, handed over once.
    func drain() -> [Alert] {
        lock.withLock { Self.take(&alerts) }
    }

    /// The baselines learnt so far, handed over once.
    func drainBaselines() -> [SubjectBaseline] {
        lock.withLock { Self.take(&baselines) }
    }

    /// The items of `list`, which is left empty.
    private static func take<T>(_ list: inout [T]) -> [T] {
        defer { list = [] }
        return list
    }

    /// Ends the input, waits for the thread, and returns the remaining alerts.
    func finish() -> [Alert] {
        queue.close()
        finished.wait()
        return drain()
    }

    /// Hands every live subject's current baseline to `hand` in chunks of at most `chunk` subjects (after
    /// ``finish()``: the thread has ended, so the engine is the caller's).
    func takeFinalBaselines(chunk: Int, _ hand: ([SubjectBaseline]) -> Void) {
        engine.takeBaselines(all: true, chunk: chunk, hand)
    }

    /// Records observed and detector state keys still live at the end (valid after ``finish()``).
    var state: (observed: Int64, liveKeys: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (observedCount, keys)
    }

    /// Late records (valid after ``finish()``).
    var late: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return lateCount
    }
}
