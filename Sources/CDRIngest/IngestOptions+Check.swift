import CDRFormats

extension IngestOptions {
    /// What reading `bytes` with these options gives, without storing anything: the number of records and
    /// the rejects (line, field, reason). For CDRs pushed over HTTP, checked before they are queued so that a
    /// bad one is refused to its sender by field.
    public func check(_ bytes: [UInt8]) throws(SourceError) -> (records: Int, rejects: [RecordReject]) {
        let detector = FormatDetector(
            format: format,
            mapping: mapping,
            context: try decodeContext(),
            freeswitch: freeswitch
        )
        let reader = try detector.open(MemorySource(bytes))
        var records = 0
        var rejects: [RecordReject] = []
        while let event = try reader.next() {
            switch event {
            case .record: records += 1
            case .reject(let reject): rejects.append(reject)
            case .skipped: break
            }
        }
        return (records, rejects)
    }
}
