import CDRModel

/// Asterisk `Master.csv`, as written by `cdr_csv` (16 to 21 columns, depending on `loguniqueid`,
/// `loguserfield` and `newcdrcolumns`) or by `cdr_custom` with its default mapping (clid first).
public struct AsteriskDialect: CSVDialect {
    /// Which Asterisk module wrote the file.
    public enum Module: String, Sendable {
        /// `cdr_csv`: accountcode, src, dst, dcontext, clid, channel, … start at column 10.
        case cdrCSV = "asterisk"
        /// `cdr_custom` default mapping: clid, src, dst, dcontext, channel, … start at column 9.
        case cdrCustom = "asterisk-custom"
    }

    /// The module layout this dialect reads.
    public let module: Module

    /// Creates a dialect for one module's layout.
    public init(module: Module) { self.module = module }

    /// `asterisk` or `asterisk-custom`.
    public var name: String { module.rawValue }

    private struct Columns {
        let account: Int, source: Int, destination: Int, channel: Int, start: Int
        var answer: Int { start + 1 }
        var end: Int { start + 2 }
        var duration: Int { start + 3 }
        var billable: Int { start + 4 }
        var disposition: Int { start + 5 }
    }

    private var columns: Columns {
        switch module {
        case .cdrCSV: Columns(account: 0, source: 1, destination: 2, channel: 5, start: 9)
        case .cdrCustom: Columns(account: 15, source: 1, destination: 2, channel: 4, start: 8)
        }
    }

    /// The uniqueid column for a record of this many fields, if the layout has one.
    private func uniqueIDColumn(_ record: CSVRecord) -> Int? {
        switch module {
        case .cdrCustom:
            return 16
        case .cdrCSV:
            switch record.count {
            case 18, 21: return 16
            case 17, 20: return FieldDecoding.looksLikeUniqueID(record[16]) ? 16 : nil
            default: return nil
            }
        }
    }

    /// cdr_csv: 16–21 fields, a date-time in column 10 and an integer duration in column 13.
    /// cdr_custom: 18 or 19 fields, a date-time in column 9 and an integer duration in column 12.
    public func matches(_ record: CSVRecord) -> Bool {
        let range = module == .cdrCSV ? 16...21 : 18...19
        guard range.contains(record.count) else { return false }
        let c = columns
        return FieldDecoding.wallClock(record[c.start]) != nil && FieldDecoding.integer(record[c.duration]) != nil
            && FieldDecoding.integer(record[c.billable]) != nil
    }

    /// Decodes one Asterisk record: src→A, dst→B, channel→carrier (trunk) and channel, the trunk of
    /// dstchannel→egress, uniqueid→id.
    public func decode(_ record: CSVRecord, context: inout DecodeContext) throws(RecordProblem) -> CallRecord {
        let range = module == .cdrCSV ? 16...21 : 18...19
        guard range.contains(record.count) else {
            throw RecordProblem(
                field: "record",
                reason: "\(record.count) fields; \(name) writes \(range.lowerBound)–\(range.upperBound)"
            )
        }
        let c = columns
        let start = try context.time(record[c.start], field: "start")
        let answerField = record[c.answer]
        let answer = answerField.isEmpty ? nil : try context.time(answerField, field: "answer")
        let end = try context.time(record[c.end], field: "end")
        let duration = try context.integer(record[c.duration], field: "duration")
        let billable = try context.integer(record[c.billable], field: "billsec")
        guard let disposition = Disposition(bytes: record[c.disposition]) else {
            throw RecordProblem(
                field: "disposition",
                reason: "unknown disposition \(DecodeContext.show(record[c.disposition]))"
            )
        }
        let channel = record[c.channel]
        var decoded = CallRecord(
            calling: try context.number(record[c.source], field: "src"),
            dialled: try context.number(record[c.destination], field: "dst"),
            start: start,
            answer: answer,
            end: end,
            duration: duration,
            billable: billable,
            disposition: disposition,
            carrier: FieldDecoding.trunk(ofChannel: channel),
            channel: String(decoding: channel, as: UTF8.self),
            account: String(decoding: record[c.account], as: UTF8.self),
            sourceID: uniqueIDColumn(record).map { String(decoding: record[$0], as: UTF8.self) } ?? "",
            sourceLine: record.line
        )
        let destinationChannel = record[c.channel + 1]
        if !destinationChannel.isEmpty { decoded.egress = FieldDecoding.trunk(ofChannel: destinationChannel) }
        return decoded
    }
}
