import CDRFormats

/// Where one file's parsed records go: a store-specific load (``FileLoad`` for SQLite,
/// ``PostgresFileLoad`` for PostgreSQL), driven message by message by ``drain(_:)``, the one loop both
/// ingest jobs share.
protocol RecordSink: AnyObject {
    /// The format the parser chose, once it has.
    var dialect: String? { get }
    /// The parser recognised the format.
    func open(dialect: String) throws
    /// A batch of parsed records and rejects.
    func write(_ batch: ParsedBatch) throws
    /// The file is deliberately not loaded (e.g. a CUCM CMR file): nothing of it stays.
    func skip(_ error: SourceError) -> FileOutcome
    /// The parser failed on the file.
    func fail(_ error: SourceError) throws -> FileOutcome
    /// The file was read to its end.
    func finish(at end: ResumePoint, rawSHA256: [UInt8], rawBytes: Int64, incomplete: String?) throws -> FileOutcome
    /// A store or rejects failure mid-file.
    func abort(_ error: any Error) -> FileOutcome
    /// The parser stopped without saying why (its thread died).
    func vanished() -> FileOutcome
}

extension RecordSink {
    /// Feeds every message of one file's parsing thread to the sink and returns the file's outcome.
    func drain(_ queue: BoundedQueue<ParserMessage>) -> FileOutcome {
        do {
            while let message = queue.pop() {
                switch message {
                case .opened(let name): try open(dialect: name)
                case .batch(let batch): try write(batch)
                case .failed(let error) where error.skip: return skip(error)
                case .failed(let error): return try fail(error)
                case .finished(let end, let rawSHA256, let rawBytes, let incompleteness):
                    return try finish(at: end, rawSHA256: rawSHA256, rawBytes: rawBytes, incomplete: incompleteness)
                }
            }
            return vanished()
        } catch {
            queue.close()
            return abort(error)
        }
    }
}
