import CDRModel

/// One batch of records encoded for `COPY`, with what the file registry keeps of it; built by the
/// reading thread while the previous batch is being written.
public struct CopyBatch: Sendable {
    var encoder = CopyEncoder()
    var months = Set<MonthIndex>()
    var first = Int64.max
    var last = Int64.min
    /// Records rejected while reading the batch, counted on the file with it.
    public var rejected = 0

    /// An empty batch.
    public init() {}

    /// The records in the batch.
    public var count: Int { encoder.rows }

    /// Adds a record of file `fileID`.
    public mutating func append(_ record: CallRecord, key: RecordKey, fileID: Int64) {
        encoder.append(record, key: key, fileID: fileID)
        months.insert(EpochSeconds(record.start).day.month)
        first = min(first, record.start)
        last = max(last, record.start)
    }
}
