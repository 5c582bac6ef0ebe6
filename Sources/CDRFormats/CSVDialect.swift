import CDRModel

/// A CSV layout of call records: how one tokenized record becomes a ``CallRecord``.
public protocol CSVDialect: Sendable {
    /// The name shown in summaries and the files registry, e.g. `asterisk`.
    var name: String { get }
    /// The field delimiter byte.
    var delimiter: UInt8 { get }
    /// The quote byte.
    var quote: UInt8 { get }
    /// Whether the record has the shape of this dialect (field count and field types); used for
    /// format detection and to refuse a file loaded with the wrong `--format`.
    func matches(_ record: CSVRecord) -> Bool
    /// Called with a file's first record; returns true when that record is a header it consumed.
    mutating func prepare(first record: CSVRecord) throws(SourceError) -> Bool
    /// Decodes one record, or names the field that makes it unacceptable.
    func decode(_ record: CSVRecord, context: inout DecodeContext) throws(RecordProblem) -> CallRecord
    /// Whether spaces before an opening quote are dropped (FreeSWITCH templates write `", "${x}"`).
    var trimsSpaceBeforeQuote: Bool { get }
    /// Whether a record is file furniture to pass over silently (a CUCM data-type line).
    func isPreamble(_ record: CSVRecord) -> Bool
    /// Tries to read a record that broke CSV quoting (a writer that does not escape quotes); nil
    /// when the dialect cannot, and the record is rejected with the quoting fault.
    func recover(_ record: CSVRecord, context: inout DecodeContext) -> Result<CallRecord, RecordProblem>?
}

extension CSVDialect {
    /// The default: comma.
    public var delimiter: UInt8 { UInt8(ascii: ",") }
    /// The default: double quote.
    public var quote: UInt8 { UInt8(ascii: "\"") }

    /// The default: quotes start at the delimiter.
    public var trimsSpaceBeforeQuote: Bool { false }
    /// The default: every record is data.
    public func isPreamble(_ record: CSVRecord) -> Bool { false }
    /// The default: no recovery.
    public func recover(_ record: CSVRecord, context: inout DecodeContext) -> Result<CallRecord, RecordProblem>? {
        nil
    }

    /// The default for headerless layouts: refuse a first record of the wrong shape.
    public mutating func prepare(first record: CSVRecord) throws(SourceError) -> Bool {
        guard matches(record) else {
            throw SourceError("line \(record.line) does not have the shape of \(name) records (\(record.count) fields)")
        }
        return false
    }
}
