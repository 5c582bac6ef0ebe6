import CDRModel

/// A record that could not be parsed or validated, with everything the rejects file keeps.
public struct RecordReject: Sendable, Equatable {
    /// The 1-based line the record starts on.
    public var line: Int
    /// The field at fault, or `record` when the record as a whole is malformed.
    public var field: String
    /// Why it was rejected.
    public var reason: String
    /// The record's raw bytes without the line terminator: the first ``maxRawBytes`` of them.
    public var raw: [UInt8]
    /// How many bytes the record had (more than `raw` holds when it was cut).
    public var rawLength: Int

    /// The most raw bytes a reject keeps: enough for a person to see the record, bounded so that a
    /// hostile file (a gigabyte with no line break) cannot make memory or the rejects file grow with it.
    public static let maxRawBytes = 64 * 1024

    /// Creates a reject, keeping at most ``maxRawBytes`` of `raw`.
    public init(line: Int, field: String, reason: String, raw: [UInt8]) {
        self.line = line
        self.field = field
        self.reason = reason
        self.rawLength = raw.count
        self.raw = raw.count > Self.maxRawBytes ? Array(raw.prefix(Self.maxRawBytes)) : raw
    }
}

/// What a reader produces next: a decoded record with its raw bytes (borrowed until the next call),
/// or a reject.
public enum ReadEvent {
    case record(CallRecord, raw: UnsafeRawBufferPointer)
    case reject(RecordReject)
    /// A record of a kind that describes no call (an MSC's SMS or location-update record), by kind name:
    /// counted on the file and not stored.
    case skipped(kind: String)
}

/// Where a reader stands in its decoded byte stream: enough to resume after a crash.
public struct ResumePoint: Sendable, Equatable {
    /// Bytes of the decoded stream consumed by returned records.
    public var offset: Int64
    /// The line the next record starts on.
    public var line: Int

    /// Creates a resume point.
    public init(offset: Int64, line: Int) {
        self.offset = offset
        self.line = line
    }

    /// The beginning of a stream.
    public static let start = ResumePoint(offset: 0, line: 1)
}

/// A streaming reader of call records from one file, whatever its format.
public protocol RecordReader: AnyObject {
    /// The dialect name stored in the files registry.
    var dialectName: String { get }
    /// The point just after the last event returned.
    var resumePoint: ResumePoint { get }
    /// The next record or reject; nil at the end of the file. Throws only for file-level faults.
    func next() throws(SourceError) -> ReadEvent?
    /// Once the end is reached, why the file looks incomplete (its own trailer disagrees with what was
    /// read); nil when it is complete or its format cannot tell.
    var incompleteness: String? { get }
}

extension RecordReader {
    /// Formats without a trailer cannot tell.
    public var incompleteness: String? { nil }
}

/// Reads records from a CSV stream with a ``CSVDialect``.
public final class CSVRecordReader<Source: ByteSource, Dialect: CSVDialect>: RecordReader {
    private let tokenizer: CSVTokenizer<Source>
    private var dialect: Dialect
    private var context: DecodeContext
    private var resumeFrom: ResumePoint
    private var started = false

    /// Creates a reader; `resume` skips what an earlier, interrupted run already committed.
    public init(source: Source, dialect: Dialect, context: DecodeContext, resume: ResumePoint = .start) {
        tokenizer = CSVTokenizer(
            source: source,
            delimiter: dialect.delimiter,
            quote: dialect.quote,
            maxRecordBytes: context.maxRecordBytes,
            trimsSpaceBeforeQuote: dialect.trimsSpaceBeforeQuote
        )
        self.dialect = dialect
        self.context = context
        resumeFrom = resume
    }

    /// The dialect's name.
    public var dialectName: String { dialect.name }

    /// The tokenizer's position.
    public var resumePoint: ResumePoint { ResumePoint(offset: tokenizer.offset, line: tokenizer.line) }

    /// The next event; the first record is shown to the dialect (header or shape check) first.
    public func next() throws(SourceError) -> ReadEvent? {
        while true {
            guard let record = try tokenizer.next() else { return nil }
            if !started {
                started = true
                var consumed = false
                if record.problem == nil { consumed = try dialect.prepare(first: record) }
                if resumeFrom.offset > 0 {
                    try tokenizer.skip(to: resumeFrom.offset, line: resumeFrom.line)
                    continue
                }
                if consumed { continue }
            }
            if dialect.isPreamble(record) { continue }
            if let problem = record.problem {
                switch dialect.recover(record, context: &context) {
                case .success(let recovered)?:
                    return validated(recovered, record)
                case .failure(let failure)?:
                    return .reject(
                        RecordReject(
                            line: record.line,
                            field: failure.field,
                            reason: failure.reason,
                            raw: Array(record.raw)
                        )
                    )
                case nil:
                    return .reject(
                        RecordReject(line: record.line, field: "record", reason: problem, raw: Array(record.raw))
                    )
                }
            }
            do {
                return validated(try dialect.decode(record, context: &context), record)
            } catch {
                return .reject(
                    RecordReject(line: record.line, field: error.field, reason: error.reason, raw: Array(record.raw))
                )
            }
        }
    }

    /// The record, or a reject naming the invariant it breaks.
    private func validated(_ decoded: CallRecord, _ record: CSVRecord) -> ReadEvent {
        if let invalid = decoded.validate() {
            return .reject(
                RecordReject(line: record.line, field: invalid.field, reason: invalid.reason, raw: Array(record.raw))
            )
        }
        return .record(decoded, raw: record.raw)
    }
}
