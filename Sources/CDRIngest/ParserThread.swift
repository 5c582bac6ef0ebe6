import CDRFormats
import CDRModel
import Foundation

/// A batch of decoded records with their keys, and the rejects found among them.
struct ParsedBatch: Sendable {
    var records: [(CallRecord, RecordKey)] = []
    var rejects: [RecordReject] = []
    /// Records of kinds that describe no call, by kind (not stored).
    var skipped: [String: Int64] = [:]
    /// All skipped records together.
    var skippedCount = 0
    /// The resume point just after the batch.
    var resume = ResumePoint.start
    /// Raw file bytes read so far, and their SHA-256 (stored at checkpoints to verify a resume).
    var rawBytes: Int64 = 0
    var prefixSHA256: [UInt8] = []
}

/// What the parsing thread tells the writing thread.
enum ParserMessage: Sendable {
    case opened(dialect: String)
    case batch(ParsedBatch)
    case failed(SourceError)
    /// The end of the file, with why it looks incomplete (its trailer disagrees), if it does.
    case finished(ResumePoint, sha256: [UInt8], rawBytes: Int64, incompleteness: String?)
}

/// Reads one file on its own thread: open, detect, decode, key, and hand batches to the writer.
///
/// `@unchecked Sendable` is sound: the value is built on the writer's thread, handed to the parsing
/// thread before it starts, and from then on touched only by that thread (results go through `queue`).
final class ParserThread: @unchecked Sendable {
    let path: String
    let detector: FormatDetector
    let options: IngestOptions
    let resume: ResumePoint
    let queue: BoundedQueue<ParserMessage>

    /// Starts reading `path` from `resume` on a new thread; its messages arrive on the returned queue.
    static func start(
        path: String,
        options: IngestOptions,
        context: DecodeContext,
        resume: ResumePoint
    ) -> BoundedQueue<ParserMessage> {
        let queue = BoundedQueue<ParserMessage>(capacity: 4)
        let parser = ParserThread(
            path: path,
            detector: FormatDetector(
                format: options.format,
                mapping: options.mapping,
                context: context,
                freeswitch: options.freeswitch
            ),
            options: options,
            resume: resume,
            queue: queue
        )
        let thread = Thread { parser.run() }
        thread.stackSize = 1 << 22
        thread.start()
        return queue
    }

    init(
        path: String,
        detector: FormatDetector,
        options: IngestOptions,
        resume: ResumePoint,
        queue: BoundedQueue<ParserMessage>
    ) {
        self.path = path
        self.detector = detector
        self.options = options
        self.resume = resume
        self.queue = queue
    }

    func run() {
        #if os(Linux)
        // Linux nice values are per thread (`who` 0 is the calling thread). Parsing takes a third of the
        // writer's time and keeps its queue full, so it yields to the writer and to detection, which must
        // keep pace with the writer: measured on two cores, this ordering took a 1.8M-record load with
        // detection from 16.8-17.7 s to 16.0-16.3 s (`docs/benchmarks.md`).
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 5)
        #endif
        do {
            let source = HashingSource(base: try FileSource(path: path))
            let reader = try detector.open(source, resume: resume)
            guard queue.push(.opened(dialect: reader.dialectName)) else { return }
            var keyer = RecordKeyer()
            var batch = ParsedBatch()
            batch.records.reserveCapacity(options.batchSize)
            while let event = try reader.next() {
                switch event {
                case .record(var record, let raw):
                    let key = keyer.key(for: record, raw: raw)
                    if record.carrier.isEmpty, let label = options.carrierLabel { record.carrier = label }
                    batch.records.append((record, key))
                case .reject(let reject):
                    batch.rejects.append(reject)
                case .skipped(let kind):
                    batch.skipped[kind, default: 0] += 1
                    batch.skippedCount += 1
                }
                if batch.records.count + batch.rejects.count + batch.skippedCount >= options.batchSize {
                    batch.resume = reader.resumePoint
                    batch.rawBytes = source.bytesRead
                    batch.prefixSHA256 = source.finalize()
                    guard queue.push(.batch(batch)) else { return }
                    batch = ParsedBatch()
                    batch.records.reserveCapacity(options.batchSize)
                }
            }
            batch.resume = reader.resumePoint
            try source.drain()
            batch.rawBytes = source.bytesRead
            guard queue.push(.batch(batch)) else { return }
            _ = queue.push(
                .finished(
                    reader.resumePoint,
                    sha256: source.finalize(),
                    rawBytes: batch.rawBytes,
                    incompleteness: reader.incompleteness
                )
            )
        } catch {
            _ = queue.push(.failed(error))
        }
        queue.close()
    }
}
