import CDRModel

/// An operator-specific CSV described by a ``MappingFile``; columns bind by header name or position.
public struct MappedDialect: CSVDialect {
    /// The mapping this dialect reads with.
    public let mapping: MappingFile
    /// Always `mapped`.
    public let name = "mapped"
    /// The mapping's delimiter.
    public let delimiter: UInt8
    /// The mapping's quote character.
    public let quote: UInt8
    private let timeFormat: TimeFormat
    private var bound: Bound?

    /// Resolved 0-based column indexes.
    private struct Bound: Sendable {
        var calling: Int?, dialled: Int, diverting: [Int], start: Int, answer: Int?, end: Int?
        var duration: Int?, billable: Int?, disposition: Int?, carrier: Int?, channel: Int?, account: Int?
        var sourceID: Int?, egress: Int?
        var width: Int
    }

    /// Creates a dialect from a validated mapping.
    public init(mapping: MappingFile) throws(SourceError) {
        self.mapping = mapping
        delimiter = mapping.delimiter?.utf8.first ?? UInt8(ascii: ",")
        quote = mapping.quote?.utf8.first ?? UInt8(ascii: "\"")
        timeFormat = try TimeFormat(mapping.timeFormat ?? TimeFormat.defaultPattern)
        if mapping.header == false { bound = try Self.bind(mapping.columns, header: nil) }
    }

    private static func bind(_ columns: MappingFile.Columns, header: [String]?) throws(SourceError) -> Bound {
        func index(_ column: MappingFile.Column?) throws(SourceError) -> Int? {
            switch column {
            case nil: return nil
            case .position(let p): return p - 1
            case .name(let n):
                guard let header, let i = header.firstIndex(of: n) else {
                    throw SourceError("mapped CSV: header has no column \"\(n)\"")
                }
                return i
            }
        }
        var diverting: [Int] = []
        for column in columns.diverting ?? [] { if let i = try index(column) { diverting.append(i) } }
        var b = Bound(
            calling: try index(columns.calling),
            dialled: try index(columns.dialled)!,
            diverting: diverting,
            start: try index(columns.start)!,
            answer: try index(columns.answer),
            end: try index(columns.end),
            duration: try index(columns.duration),
            billable: try index(columns.billable),
            disposition: try index(columns.disposition),
            carrier: try index(columns.carrier),
            channel: try index(columns.channel),
            account: try index(columns.account),
            sourceID: try index(columns.sourceID),
            egress: try index(columns.egress),
            width: 0
        )
        b.width =
            ([
                b.calling, b.dialled, b.start, b.answer, b.end, b.duration, b.billable, b.disposition, b.carrier,
                b.channel, b.account, b.sourceID, b.egress,
            ].compactMap { $0 } + diverting).max()! + 1
        return b
    }

    /// A record matches when it has at least as many fields as the highest bound column.
    public func matches(_ record: CSVRecord) -> Bool { record.count >= (bound?.width ?? 1) }

    /// Binds header names to columns when the mapping says the file has a header.
    public mutating func prepare(first record: CSVRecord) throws(SourceError) -> Bool {
        guard mapping.header != false else {
            guard matches(record) else {
                throw SourceError("line \(record.line) has \(record.count) fields; the mapping needs \(bound!.width)")
            }
            return false
        }
        bound = try Self.bind(mapping.columns, header: (0..<record.count).map { record.string($0) })
        return true
    }

    private func time(
        _ b: UnsafeRawBufferPointer,
        field: String,
        context: inout DecodeContext
    ) throws(RecordProblem) -> Int64 {
        guard let (seconds, isLocal) = timeFormat.read(b) else {
            throw RecordProblem(
                field: field,
                reason:
                    "does not match time format \(mapping.timeFormat ?? TimeFormat.defaultPattern): \(DecodeContext.show(b))"
            )
        }
        return isLocal ? context.clock.utc(fromLocal: seconds) : seconds
    }

    private func text(_ record: CSVRecord, _ index: Int?) -> String {
        index.map { String(decoding: record[$0], as: UTF8.self) } ?? ""
    }

    /// Decodes one record; missing end, duration or billable seconds are derived from the others.
    public func decode(_ record: CSVRecord, context: inout DecodeContext) throws(RecordProblem) -> CallRecord {
        guard let b = bound else { throw RecordProblem(field: "record", reason: "mapping not bound to a header") }
        guard record.count >= b.width else {
            throw RecordProblem(field: "record", reason: "\(record.count) fields; the mapping needs \(b.width)")
        }
        let start = try time(record[b.start], field: "start", context: &context)
        let answer: Int64? = try b.answer.flatMap { i throws(RecordProblem) in
            record[i].isEmpty || FieldDecoding.integer(record[i]) == 0
                ? nil : try time(record[i], field: "answer", context: &context)
        }
        let timing = CallTiming(
            start: start,
            answer: answer,
            end: try b.end.map { i throws(RecordProblem) in try time(record[i], field: "end", context: &context) },
            duration: try b.duration.map { i throws(RecordProblem) in
                try context.integer(record[i], field: "duration")
            },
            billable: try b.billable.map { i throws(RecordProblem) in
                try context.integer(record[i], field: "billable")
            }
        )
        var disposition: Disposition
        if let i = b.disposition {
            let raw = record[i]
            if let table = mapping.dispositions {
                guard let name = table[String(decoding: raw, as: UTF8.self)], let mapped = Disposition(name: name)
                else {
                    throw RecordProblem(
                        field: "disposition",
                        reason: "value \(DecodeContext.show(raw)) is not in the mapping's dispositions"
                    )
                }
                disposition = mapped
            } else {
                guard let parsed = Disposition(bytes: raw) else {
                    throw RecordProblem(field: "disposition", reason: "unknown disposition \(DecodeContext.show(raw))")
                }
                disposition = parsed
            }
        } else {
            disposition = answer != nil || timing.billable > 0 ? .answered : .noAnswer
        }
        var diverting: [String] = []
        for i in b.diverting where !record[i].isEmpty {
            diverting.append(try context.number(record[i], field: "diverting"))
        }
        var decoded = CallRecord(
            calling: try b.calling.map { i throws(RecordProblem) in try context.number(record[i], field: "calling") }
                ?? "",
            dialled: try context.number(record[b.dialled], field: "dialled"),
            diverting: diverting,
            start: start,
            answer: answer,
            end: timing.end,
            duration: timing.duration,
            billable: timing.billable,
            disposition: disposition,
            carrier: text(record, b.carrier),
            channel: text(record, b.channel),
            account: text(record, b.account),
            sourceID: text(record, b.sourceID),
            sourceLine: record.line
        )
        decoded.egress = text(record, b.egress)
        return decoded
    }
}
