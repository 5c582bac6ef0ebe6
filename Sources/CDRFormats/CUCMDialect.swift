import CDRModel

/// Cisco Unified CM CDR flat files: a quoted header line, a data-type line, then records. Columns are
/// bound by header name, because their number differs between releases (129 in 10.x, 133 in 14.x).
///
/// Mapping: A = `callingPartyNumber`; B = `finalCalledPartyNumber` (where the call went, else the original
/// called number); C = `originalCalledPartyNumber` and `lastRedirectDn` when they differ from B (the
/// numbers that diverted the call); times are UTC epoch seconds, `dateTimeConnect` 0 when unanswered;
/// `duration` is the connected time (billable seconds); carrier = `origDeviceName` (the gateway, trunk or
/// phone the call came from); egress = `destDeviceName` (where it went); channel = the originating IPv4 address decoded from `origIpAddr`;
/// id = `globalCallID_callManagerId`-`globalCallID_callId`.
public struct CUCMDialect: CSVDialect {
    /// `cucm`.
    public let name = "cucm"
    private var bound: Bound?

    private struct Bound: Sendable {
        var recordType: Int, manager: Int, callID: Int, origination: Int, connect: Int, disconnect: Int
        var calling: Int, originalCalled: Int, finalCalled: Int, lastRedirect: Int?, duration: Int
        var origCause: Int?, destCause: Int?, origDevice: Int?, destDevice: Int?, origIP: Int?, width: Int
    }

    /// Creates the dialect; columns are bound when the header is read.
    public init() {}

    /// Whether a file's first record is a CUCM header (CDR or CMR).
    public static func isHeader(_ record: CSVRecord) -> Bool {
        record.count >= 5 && record.string(0) == "cdrRecordType"
    }

    /// Whether a CUCM header is that of a CMR (call management record: voice-quality metrics) file.
    public static func isCMRHeader(_ record: CSVRecord) -> Bool {
        let names = (0..<record.count).map { record.string($0) }
        return !names.contains("dateTimeOrigination") && names.contains("numberPacketsSent")
    }

    /// A CUCM file starts with its header.
    public func matches(_ record: CSVRecord) -> Bool { Self.isHeader(record) }

    /// Binds columns by name; a CMR file is skipped with its reason.
    public mutating func prepare(first record: CSVRecord) throws(SourceError) -> Bool {
        guard Self.isHeader(record) else {
            throw SourceError("line \(record.line) is not a CUCM header (it should start with \"cdrRecordType\")")
        }
        if Self.isCMRHeader(record) {
            throw SourceError(
                "CUCM CMR file (call-quality metrics keyed by globalCallID_callId, no call detail): skipped",
                skip: true
            )
        }
        let names = (0..<record.count).map { record.string($0) }
        func index(_ name: String) throws(SourceError) -> Int {
            guard let i = names.firstIndex(of: name) else { throw SourceError("CUCM header has no column \(name)") }
            return i
        }
        var b = Bound(
            recordType: try index("cdrRecordType"),
            manager: try index("globalCallID_callManagerId"),
            callID: try index("globalCallID_callId"),
            origination: try index("dateTimeOrigination"),
            connect: try index("dateTimeConnect"),
            disconnect: try index("dateTimeDisconnect"),
            calling: try index("callingPartyNumber"),
            originalCalled: try index("originalCalledPartyNumber"),
            finalCalled: try index("finalCalledPartyNumber"),
            lastRedirect: names.firstIndex(of: "lastRedirectDn"),
            duration: try index("duration"),
            origCause: names.firstIndex(of: "origCause_value"),
            destCause: names.firstIndex(of: "destCause_value"),
            origDevice: names.firstIndex(of: "origDeviceName"),
            destDevice: names.firstIndex(of: "destDeviceName"),
            origIP: names.firstIndex(of: "origIpAddr"),
            width: 0
        )
        b.width =
            [b.recordType, b.manager, b.callID, b.origination, b.connect, b.disconnect, b.calling, b.duration]
            .max()! + 1
        bound = b
        return true
    }

    /// The data-type line under the header (`INTEGER,INTEGER,VARCHAR(50),…`).
    public func isPreamble(_ record: CSVRecord) -> Bool {
        record.count > 1 && !record.isQuoted(0) && record.string(0) == "INTEGER" && record.string(1) == "INTEGER"
    }

    /// Decodes one CDR (`cdrRecordType` 1).
    public func decode(_ record: CSVRecord, context: inout DecodeContext) throws(RecordProblem) -> CallRecord {
        guard let b = bound else { throw RecordProblem(field: "record", reason: "no CUCM header before this line") }
        guard record.count >= b.width else {
            throw RecordProblem(field: "record", reason: "\(record.count) fields; the header has more")
        }
        func int(_ i: Int, _ name: String) throws(RecordProblem) -> Int64 {
            try context.integer(record[i], field: name)
        }
        let kind = try int(b.recordType, "cdrRecordType")
        guard kind == 1 else {
            throw RecordProblem(field: "cdrRecordType", reason: "record type \(kind) is not a CDR (1)")
        }
        let start = try int(b.origination, "dateTimeOrigination")
        let connect = try int(b.connect, "dateTimeConnect")
        var end = try int(b.disconnect, "dateTimeDisconnect")
        if end == 0 { end = connect > 0 ? connect : start }
        let billable = try int(b.duration, "duration")
        let final = record[b.finalCalled].isEmpty ? b.originalCalled : b.finalCalled
        let dialled = try context.number(record[final], field: "finalCalledPartyNumber")
        var diverting: [String] = []
        for i in [b.originalCalled, b.lastRedirect].compactMap({ $0 }) where !record[i].isEmpty {
            let number = try context.number(
                record[i],
                field: i == b.originalCalled ? "originalCalledPartyNumber" : "lastRedirectDn"
            )
            if number != dialled && !diverting.contains(number) { diverting.append(number) }
        }
        var disposition = Disposition.answered
        if connect == 0 {
            let cause = try b.destCause.map { i throws(RecordProblem) in try int(i, "destCause_value") } ?? 0
            let origin = try b.origCause.map { i throws(RecordProblem) in try int(i, "origCause_value") } ?? 0
            disposition = HangupCause.disposition(code: cause != 0 && cause < 128 ? cause : origin)
        }
        var decoded = CallRecord(
            calling: try context.number(record[b.calling], field: "callingPartyNumber"),
            dialled: dialled,
            diverting: diverting,
            start: start,
            answer: connect == 0 ? nil : connect,
            end: end,
            duration: end - start,
            billable: billable,
            disposition: disposition,
            carrier: b.origDevice.map { String(decoding: record[$0], as: UTF8.self) } ?? "",
            channel: b.origIP.flatMap { FieldDecoding.integer(record[$0]) }.map(Self.ipv4) ?? "",
            account: "",
            sourceID: String(decoding: record[b.manager], as: UTF8.self) + "-"
                + String(decoding: record[b.callID], as: UTF8.self),
            sourceLine: record.line
        )
        decoded.egress = b.destDevice.map { String(decoding: record[$0], as: UTF8.self) } ?? ""
        return decoded
    }

    /// Decodes CUCM's legacy IPv4 field: a signed 32-bit integer holding the address little-endian
    /// (17502380 is 172.16.11.1).
    public static func ipv4(_ value: Int64) -> String {
        let bits = UInt32(truncatingIfNeeded: value)
        return (0..<4).map { String((bits >> (8 * $0)) & 0xFF) }.joined(separator: ".")
    }
}
