import CDRModel
import Foundation

/// FreeSWITCH `mod_cdr_csv` files. The column order comes from the template that wrote them (the vanilla
/// `example` template by default, or an operator's template string or `cdr_csv.conf.xml`).
///
/// The module substitutes channel variables without CSV escaping, so a `"` inside a caller name breaks
/// the row: such rows are re-split on the template's `","` separators, and rejected only when that is
/// ambiguous.
public struct FreeSwitchDialect: CSVDialect {
    /// The vanilla `example` template (`conf/vanilla/autoload_configs/cdr_csv.conf.xml`).
    public static let exampleTemplate =
        #""${caller_id_name}","${caller_id_number}","${destination_number}","${context}","${start_stamp}","#
        + #""${answer_stamp}","${end_stamp}","${duration}","${billsec}","${hangup_cause}","${uuid}","${bleg_uuid}","#
        + #""${accountcode}","${read_codec}","${write_codec}""#

    /// `freeswitch`.
    public let name = "freeswitch"
    /// The channel variable behind each column.
    public let columns: [String]
    private let fields: Fields

    private struct Fields: Sendable {
        var calling: Int?, dialled: Int, start: Int, answer: Int?, end: Int?, duration: Int?, billable: Int?
        var cause: Int?, uuid: Int?, account: Int?, channel: Int?, carrier: Int?, diverting: Int?
        var epochTimes: Bool
    }

    /// Builds the dialect from a template string such as the `example` one.
    public init(template: String = Self.exampleTemplate) throws(SourceError) {
        let tokenizer = CSVTokenizer(source: MemorySource(Array(template.utf8)), trimsSpaceBeforeQuote: true)
        guard let record = try tokenizer.next(), record.count > 1 else {
            throw SourceError("FreeSWITCH template has no columns: \(template.prefix(80))")
        }
        let names = (0..<record.count).map { i in
            let text = record.string(i).trimmingCharacters(in: .whitespaces)
            return text.hasPrefix("${") && text.hasSuffix("}") ? String(text.dropFirst(2).dropLast()) : text
        }
        columns = names
        func column(_ wanted: String...) -> Int? { wanted.lazy.compactMap { names.firstIndex(of: $0) }.first }
        guard let dialled = column("destination_number") else {
            throw SourceError("FreeSWITCH template has no ${destination_number} column")
        }
        guard let start = column("start_stamp", "start_epoch") else {
            throw SourceError("FreeSWITCH template has no ${start_stamp} or ${start_epoch} column")
        }
        let end = column("end_stamp", "end_epoch")
        let duration = column("duration")
        if end == nil && duration == nil {
            throw SourceError("FreeSWITCH template needs ${end_stamp}, ${end_epoch} or ${duration}")
        }
        fields = Fields(
            calling: column("caller_id_number", "ani"),
            dialled: dialled,
            start: start,
            answer: column("answer_stamp", "answer_epoch"),
            end: end,
            duration: duration,
            billable: column("billsec"),
            cause: column("hangup_cause"),
            uuid: column("uuid"),
            account: column("accountcode"),
            channel: column("channel_name"),
            carrier: column("sip_gateway_name", "network_addr", "context"),
            diverting: column("rdnis", "sip_h_Diversion"),
            epochTimes: names[start] == "start_epoch"
        )
    }

    /// Reads the template named `name` (default: the file's `default-template`) from `cdr_csv.conf.xml`.
    public static func load(configuration path: String, template name: String? = nil) throws(SourceError) -> Self {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SourceError("FreeSWITCH configuration \(path): cannot be read")
        }
        let xml = String(decoding: data, as: UTF8.self)
        func attribute(_ pattern: String) -> String? {
            guard let range = xml.range(of: pattern, options: .regularExpression) else { return nil }
            return String(xml[range])
        }
        let chosen =
            name ?? attribute(#"(?<=name="default-template" value=")[^"]*"#) ?? "example"
        guard
            let body = attribute(
                #"(?<=<template name=""# + NSRegularExpression.escapedPattern(for: chosen) + #"">)[^<]*"#
            )
        else {
            throw SourceError("FreeSWITCH configuration \(path): no template named \"\(chosen)\"")
        }
        let template = body.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try FreeSwitchDialect(template: template)
    }

    /// FreeSWITCH quotes every field; the `", "` of the built-in template needs the leading space dropped.
    public var trimsSpaceBeforeQuote: Bool { true }

    /// The template's column count, a start time where the template has one, and an integer duration.
    public func matches(_ record: CSVRecord) -> Bool {
        guard record.count == columns.count else { return false }
        let start = record[fields.start]
        let startOK = fields.epochTimes ? FieldDecoding.integer(start) != nil : FieldDecoding.wallClock(start) != nil
        return startOK && (fields.duration.map { FieldDecoding.integer(record[$0]) != nil } ?? true)
    }

    /// Accepts a first row with the template's column count, so rows whose times are unreadable are
    /// rejected one by one (naming the field) instead of failing the file.
    public mutating func prepare(first record: CSVRecord) throws(SourceError) -> Bool {
        guard record.count == columns.count || record.problem != nil else {
            throw SourceError(
                "line \(record.line) has \(record.count) fields; the FreeSWITCH template has \(columns.count)"
            )
        }
        return false
    }

    /// Decodes one row.
    public func decode(_ record: CSVRecord, context: inout DecodeContext) throws(RecordProblem) -> CallRecord {
        guard record.count == columns.count else {
            throw RecordProblem(
                field: "record",
                reason: "\(record.count) fields; the template has \(columns.count)"
            )
        }
        return try decode(line: record.line, context: &context) { record[$0] }
    }

    /// Re-splits a row broken by an unescaped quote on the exact `","` separators of the template.
    public func recover(_ record: CSVRecord, context: inout DecodeContext) -> Result<CallRecord, RecordProblem>? {
        let raw = record.raw
        guard raw.count >= 2, raw.first == UInt8(ascii: "\""), raw.last == UInt8(ascii: "\"") else { return nil }
        var cuts: [Range<Int>] = []
        var start = 1
        var i = 1
        let stop = raw.count - 1
        while i + 2 < raw.count {
            if raw[i] == UInt8(ascii: "\""), raw[i + 1] == UInt8(ascii: ","), raw[i + 2] == UInt8(ascii: "\"") {
                cuts.append(start..<i)
                i += 3
                start = i
            } else {
                i += 1
            }
        }
        cuts.append(start..<stop)
        guard cuts.count == columns.count else {
            return .failure(
                RecordProblem(
                    field: "record",
                    reason:
                        "unescaped quote: the row splits into \(cuts.count) fields on \",\", the template has \(columns.count)"
                )
            )
        }
        do {
            return .success(
                try decode(line: record.line, context: &context) { UnsafeRawBufferPointer(rebasing: raw[cuts[$0]]) }
            )
        } catch {
            return .failure(error)
        }
    }

    private func decode(
        line: Int,
        context: inout DecodeContext,
        _ field: (Int) -> UnsafeRawBufferPointer
    ) throws(RecordProblem) -> CallRecord {
        func time(_ index: Int, _ name: String) throws(RecordProblem) -> Int64? {
            let bytes = field(index)
            if bytes.isEmpty { return nil }
            if fields.epochTimes {
                let value = try context.integer(bytes, field: name)
                return value == 0 ? nil : value
            }
            return try context.time(bytes, field: name)
        }
        guard let start = try time(fields.start, columns[fields.start]) else {
            throw RecordProblem(field: columns[fields.start], reason: "start time is empty")
        }
        let answer = try fields.answer.flatMap { i throws(RecordProblem) in try time(i, columns[i]) }
        let timing = CallTiming(
            start: start,
            answer: answer,
            end: try fields.end.flatMap { i throws(RecordProblem) in try time(i, columns[i]) },
            duration: try fields.duration.map { i throws(RecordProblem) in
                try context.integer(field(i), field: "duration")
            },
            billable: try fields.billable.map { i throws(RecordProblem) in
                try context.integer(field(i), field: "billsec")
            }
        )
        let cause = fields.cause.map { String(decoding: field($0), as: UTF8.self) } ?? ""
        let answered = answer != nil || timing.billable > 0
        var diverting: [String] = []
        if let i = fields.diverting, !field(i).isEmpty {
            diverting.append(try context.number(field(i), field: columns[i]))
        }
        func text(_ index: Int?) -> String { index.map { String(decoding: field($0), as: UTF8.self) } ?? "" }
        return CallRecord(
            calling: try fields.calling.map { i throws(RecordProblem) in try context.number(field(i), field: columns[i])
            } ?? "",
            dialled: try context.number(field(fields.dialled), field: "destination_number"),
            diverting: diverting,
            start: start,
            answer: answer,
            end: timing.end,
            duration: timing.duration,
            billable: timing.billable,
            disposition: answered ? .answered : HangupCause.disposition(cause),
            carrier: text(fields.carrier),
            channel: text(fields.channel),
            account: text(fields.account),
            sourceID: text(fields.uuid),
            sourceLine: line
        )
    }
}
