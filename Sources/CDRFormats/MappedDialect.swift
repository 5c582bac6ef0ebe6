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
    private let timeFormats: [TimeFormat]
    private let durations: DurationFormat
    private let nulls: [[UInt8]]
    private let cleaners: [String: FieldCleaner]
    private var bound: Bound?

    /// Resolved 0-based column indexes.
    private struct Bound: Sendable {
        var calling: Int?, dialled: Int, diverting: [Int], start: Int, answer: Int?, end: Int?
        var duration: Int?, billable: Int?, disposition: Int?, carrier: Int?, channel: Int?, account: Int?
        var sourceID: Int?, egress: Int?
        /// The highest bound column + 1: a record needs at least this many fields.
        var width: Int
        /// How many fields a well-formed record has (the header's, or the first record's), for lenient
        /// quote recovery.
        var fields = 0
    }

    /// Creates a dialect from a validated mapping.
    public init(mapping: MappingFile) throws(SourceError) {
        self.mapping = mapping
        delimiter = mapping.delimiter?.utf8.first ?? UInt8(ascii: ",")
        quote = mapping.quote?.utf8.first ?? UInt8(ascii: "\"")
        var formats: [TimeFormat] = []
        for format in mapping.allTimeFormats { formats.append(try TimeFormat(format)) }
        timeFormats = formats
        durations = mapping.durationFormat ?? .seconds
        nulls = (mapping.nulls ?? MappingFile.defaultNulls).map { Array($0.utf8) }
        cleaners = (mapping.transforms ?? [:]).mapValues(FieldCleaner.init)
        if mapping.header == false { bound = try Self.bind(mapping.columns, header: nil) }
    }

    private static func bind(_ columns: MappingFile.Columns, header: [String]?) throws(SourceError) -> Bound {
        func index(_ column: MappingFile.Column?) throws(SourceError) -> Int? {
            switch column {
            case nil: return nil
            case .position(let p): return p - 1
            case .name(let n):
                guard let header else { throw SourceError("mapped CSV: header has no column \"\(n)\"") }
                if let i = header.firstIndex(of: n) { return i }
                let trimmed = header.map { $0.trimmingSpaces.lowercased() }
                guard let i = trimmed.firstIndex(of: n.trimmingSpaces.lowercased()) else {
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
        b.fields = header?.count ?? 0
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
            if record.problem == nil { bound?.fields = record.count }
            return false
        }
        bound = try Self.bind(mapping.columns, header: (0..<record.count).map { record.string($0) })
        return true
    }

    /// Decodes one record; missing end, duration or billable seconds are derived from the others (an
    /// answered call with neither an answer time nor billable seconds bills its whole duration).
    public func decode(_ record: CSVRecord, context: inout DecodeContext) throws(RecordProblem) -> CallRecord {
        try decode(line: record.line, count: record.count, context: &context) { record[$0] }
    }

    /// In lenient quote mode, splits a row that broke quoting again: a quoted field runs to the first quote
    /// followed by the delimiter (or the end of the row). Ambiguous rows (another field count) are rejected.
    public func recover(_ record: CSVRecord, context: inout DecodeContext) -> Result<CallRecord, RecordProblem>? {
        guard mapping.quotes == .lenient, let b = bound else { return nil }
        let raw = record.raw
        var cuts: [Range<Int>] = []
        var i = 0
        while true {
            if i < raw.count, raw[i] == quote {
                var close = i + 1
                while close < raw.count,
                    !(raw[close] == quote && (close + 1 == raw.count || raw[close + 1] == delimiter))
                {
                    close += 1
                }
                guard close < raw.count else {
                    return .failure(
                        RecordProblem(field: "record", reason: "unterminated quoted field \(cuts.count + 1)")
                    )
                }
                cuts.append((i + 1)..<close)
                i = close + 1
            } else {
                var end = i
                while end < raw.count, raw[end] != delimiter { end += 1 }
                cuts.append(i..<end)
                i = end
            }
            guard i < raw.count else { break }
            i += 1
        }
        let expected = max(b.fields, b.width)
        guard cuts.count == expected || (b.fields == 0 && cuts.count >= b.width) else {
            return .failure(
                RecordProblem(
                    field: "record",
                    reason:
                        "unescaped quotes, ambiguous: splitting at quote-delimiter boundaries gives \(cuts.count) fields, the file has \(expected)"
                )
            )
        }
        do {
            return .success(
                try decode(line: record.line, count: cuts.count, context: &context) {
                    UnsafeRawBufferPointer(rebasing: raw[cuts[$0]])
                }
            )
        } catch {
            return .failure(error)
        }
    }

    private func decode(
        line: Int,
        count: Int,
        context: inout DecodeContext,
        raw: (Int) -> UnsafeRawBufferPointer
    ) throws(RecordProblem) -> CallRecord {
        guard let b = bound else { throw RecordProblem(field: "record", reason: "mapping not bound to a header") }
        guard count >= b.width else {
            throw RecordProblem(field: "record", reason: "\(count) fields; the mapping needs \(b.width)")
        }
        func field(_ i: Int) -> UnsafeRawBufferPointer {
            let bytes = raw(i)
            for null in nulls where null.count == bytes.count && null.elementsEqual(bytes) {
                return UnsafeRawBufferPointer(rebasing: bytes[0..<0])
            }
            return bytes
        }
        func cleaned(_ i: Int, _ name: String) -> UnsafeRawBufferPointer {
            cleaners[name].map { $0.apply(field(i)) } ?? field(i)
        }
        func number(_ i: Int, _ name: String) throws(RecordProblem) -> String {
            try context.number(cleaned(i, name), field: name)
        }
        func text(_ i: Int?, _ name: String) -> String {
            guard let i else { return mapping.constants?[name] ?? "" }
            let value = cleaned(i, name)
            return value.isEmpty ? mapping.constants?[name] ?? "" : String(decoding: value, as: UTF8.self)
        }
        let (start, answer, timing) = try times(
            start: field(b.start),
            answer: b.answer.map(field),
            end: b.end.map(field),
            duration: b.duration.map(field),
            billable: b.billable.map(field),
            context: &context
        )
        let disposition = try self.disposition(
            b.disposition.map(field),
            otherwise: answer != nil || timing.billable > 0 ? .answered : .noAnswer
        )
        var billable = timing.billable
        if disposition == .answered, b.billable == nil, answer == nil { billable = timing.duration }
        var diverting: [String] = []
        for i in b.diverting where !cleaned(i, "diverting").isEmpty {
            diverting.append(try number(i, "diverting"))
        }
        var decoded = CallRecord(
            calling: try b.calling.map { i throws(RecordProblem) in try number(i, "calling") } ?? "",
            dialled: try number(b.dialled, "dialled"),
            diverting: diverting,
            start: start,
            answer: answer,
            end: timing.end,
            duration: timing.duration,
            billable: billable,
            disposition: disposition,
            carrier: text(b.carrier, "carrier"),
            channel: text(b.channel, "channel"),
            account: text(b.account, "account"),
            sourceID: text(b.sourceID, "sourceID"),
            sourceLine: line
        )
        decoded.egress = text(b.egress, "egress")
        return decoded
    }

    /// The call's times from the bound columns: start, answer (a zero means none), end, duration and
    /// billable seconds; an end or a duration column must give the call's length.
    private func times(
        start startField: UnsafeRawBufferPointer,
        answer answerField: UnsafeRawBufferPointer?,
        end endField: UnsafeRawBufferPointer?,
        duration durationField: UnsafeRawBufferPointer?,
        billable billableField: UnsafeRawBufferPointer?,
        context: inout DecodeContext
    ) throws(RecordProblem) -> (start: Int64, answer: Int64?, timing: CallTiming) {
        let start = try time(startField, field: "start", context: &context)
        var answer: Int64?
        if let value = answerField, !value.isEmpty, FieldDecoding.integer(value) != 0 {
            answer = try time(value, field: "answer", context: &context)
        }
        var end: Int64?
        if let value = endField, !value.isEmpty { end = try time(value, field: "end", context: &context) }
        if end == nil, durationField == nil {
            throw RecordProblem(field: "end", reason: "empty, and the mapping has no duration column")
        }
        var duration: Int64?
        if let value = durationField { duration = try seconds(value, "duration") }
        var billable: Int64?
        if let value = billableField, !value.isEmpty { billable = try seconds(value, "billable") }
        return (
            start, answer, CallTiming(start: start, answer: answer, end: end, duration: duration, billable: billable)
        )
    }

    /// A duration in seconds, in the mapping's unit or as HH:MM:SS.
    private func seconds(_ bytes: UnsafeRawBufferPointer, _ name: String) throws(RecordProblem) -> Int64 {
        guard let value = durations.read(bytes), value >= 0 else {
            throw RecordProblem(
                field: name,
                reason: "not a duration (\(durations.rawValue), or HH:MM:SS): \(DecodeContext.show(bytes))"
            )
        }
        return value
    }

    /// The disposition in `value`, through the mapping's table when it has one; `otherwise` when the
    /// column is absent or empty.
    private func disposition(
        _ value: UnsafeRawBufferPointer?,
        otherwise: Disposition
    ) throws(RecordProblem) -> Disposition {
        guard let value, !value.isEmpty else { return otherwise }
        guard let table = mapping.dispositions else {
            guard let parsed = Disposition(bytes: value) else {
                throw RecordProblem(field: "disposition", reason: "unknown disposition \(DecodeContext.show(value))")
            }
            return parsed
        }
        guard let name = table[String(decoding: value, as: UTF8.self)], let mapped = Disposition(name: name) else {
            throw RecordProblem(
                field: "disposition",
                reason: "value \(DecodeContext.show(value)) is not in the mapping's dispositions"
            )
        }
        return mapped
    }

    /// Reads a time with the first of the mapping's formats that fits.
    private func time(
        _ b: UnsafeRawBufferPointer,
        field: String,
        context: inout DecodeContext
    ) throws(RecordProblem) -> Int64 {
        for format in timeFormats {
            if let (seconds, isLocal) = format.read(b) {
                return isLocal ? context.clock.utc(fromLocal: seconds) : seconds
            }
        }
        throw RecordProblem(
            field: field,
            reason:
                "does not match time format \(mapping.allTimeFormats.joined(separator: " or ")): \(DecodeContext.show(b))"
        )
    }
}

/// A mapping's ``MappingFile/Transform`` as byte slicing: no copies.
struct FieldCleaner: Sendable {
    private let nameAddr: Bool
    private let prefixes: [[UInt8]]
    private let suffixes: [[UInt8]]

    init(_ transform: MappingFile.Transform) {
        nameAddr = transform.nameAddr ?? false
        prefixes = (transform.stripPrefix ?? []).map { Array($0.utf8) }
        suffixes = (transform.stripSuffix ?? []).map { Array($0.utf8) }
    }

    func apply(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var slice = bytes[...]
        if nameAddr {
            if let open = slice.lastIndex(of: UInt8(ascii: "<")),
                let close = slice[open...].firstIndex(of: UInt8(ascii: ">"))
            {
                slice = slice[(open + 1)..<close]
            } else if slice.last == UInt8(ascii: ")"), let open = slice.lastIndex(of: UInt8(ascii: "(")),
                slice[(open + 1)..<(slice.endIndex - 1)].allSatisfy({ $0 &- 0x30 < 10 || $0 == UInt8(ascii: "+") })
            {
                slice = slice[(open + 1)..<(slice.endIndex - 1)]
            }
        }
        while let first = slice.first, first == 0x20 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 { slice = slice.dropLast() }
        for prefix in prefixes where slice.starts(with: prefix) {
            slice = slice.dropFirst(prefix.count)
            break
        }
        for suffix in suffixes where slice.count >= suffix.count && slice.suffix(suffix.count).elementsEqual(suffix) {
            slice = slice.dropLast(suffix.count)
            break
        }
        return UnsafeRawBufferPointer(rebasing: slice)
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
