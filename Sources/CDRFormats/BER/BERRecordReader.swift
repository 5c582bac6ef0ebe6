import CDRModel

/// Reads 3GPP TS 32.298 CS CDRs in BER as a stream: concatenated `CSRecord`s, or a TS 32.297 CDR file
/// (file header, then each CDR behind a 5-octet CDR header).
///
/// Nothing read from the file can make it allocate without bound or recurse without limit: records are
/// capped at ``maxRecordBytes``, nesting at 32 levels, and a length that overruns the file ends the read
/// with a reject for the remaining bytes.
public final class BERRecordReader<Source: ByteSource>: RecordReader {
    /// How a file frames its records.
    public enum Framing: Sendable, Equatable {
        /// `CSRecord` after `CSRecord`, optionally padded with `00` or `FF` filler.
        case concatenated
        /// TS 32.297: a file header of `headerLength` octets, then 5-octet CDR headers.
        case ts32297(headerLength: Int)
    }

    /// The largest record accepted.
    public let maxRecordBytes: Int
    private let window: ByteWindow<Source>
    private let framing: Framing
    private var context: DecodeContext
    private var number = 0
    private var stopped = false
    private let resume: ResumePoint
    private var started = false
    private var slots = FieldSlots()

    /// Creates a reader; `resume` skips records an interrupted run already committed.
    public init(
        source: Source,
        framing: Framing,
        context: DecodeContext,
        resume: ResumePoint = .start,
        maxRecordBytes: Int = 1 << 20
    ) {
        window = ByteWindow(source: source, chunk: 1 << 20, limit: 2 * maxRecordBytes + 64)
        self.framing = framing
        self.context = context
        self.resume = resume
        self.maxRecordBytes = maxRecordBytes
    }

    /// `3gpp-ber`.
    public var dialectName: String { "3gpp-ber" }

    /// The stream offset after the last record, and the next record's number.
    public var resumePoint: ResumePoint { ResumePoint(offset: window.offset, line: number + 1) }

    /// How a stream whose first bytes are `head` frames BER records, or nil if it is not BER.
    public static func sniff(_ head: [UInt8]) -> Framing? {
        guard let first = head.first else { return nil }
        if first & 0xE0 == 0xA0 {
            let parsed = head.withUnsafeBytes { try? BERHeader.read($0, at: 0, limit: 1 << 20) }
            guard let parsed, parsed.tag <= 22 || parsed.tag == 100 else { return nil }
            return .concatenated
        }
        guard head.count >= 60 else { return nil }
        let fileLength = head[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let headerLength = head[4..<8].reduce(0) { $0 << 8 | Int($1) }
        guard headerLength >= 50, headerLength < min(head.count - 6, 65_536), fileLength >= headerLength,
            head[headerLength + 5] & 0xE0 == 0xA0
        else { return nil }
        return .ts32297(headerLength: headerLength)
    }

    /// The rest of the stream as one reject, and the end of reading.
    private func rejectRest(_ reason: String) throws(SourceError) -> ReadEvent {
        stopped = true
        number += 1
        func unread() -> [UInt8] {
            Array(UnsafeRawBufferPointer(rebasing: window.buffer[window.begin..<window.filled]).prefix(4096))
        }
        var raw = unread()
        while try window.refill() {}
        if raw.isEmpty { raw = unread() }
        window.begin = window.filled
        return .reject(RecordReject(line: number, field: "record", reason: reason, raw: raw))
    }

    /// The next record or reject; nil at the end.
    public func next() throws(SourceError) -> ReadEvent? {
        if !started {
            started = true
            if case .ts32297(let headerLength) = framing, resume.offset == 0 {
                _ = try window.skip(to: Int64(headerLength))
            }
            if resume.offset > 0 {
                _ = try window.skip(to: resume.offset)
                number = resume.line - 1
            }
        }
        guard !stopped else { return nil }
        while true {
            guard try window.ensure(1) else { return nil }
            let first = window.buffer[window.begin]
            if framing == .concatenated, first == 0x00 || first == 0xFF {
                window.begin += 1
                continue
            }
            var recordStart = window.begin
            var recordLength: Int
            if case .ts32297 = framing {
                guard try window.ensure(5) else { return try rejectRest("truncated CDR header at the end of the file") }
                recordLength = Int(window.buffer[window.begin]) << 8 | Int(window.buffer[window.begin + 1])
                recordStart = window.begin + 5
                guard try window.ensure(5 + recordLength) else {
                    return try rejectRest("CDR length \(recordLength) overruns the end of the file")
                }
                recordStart = window.begin + 5
            } else {
                while true {
                    let view = UnsafeRawBufferPointer(rebasing: window.buffer[window.begin..<window.filled])
                    do {
                        recordLength = try BERHeader.extent(view, at: 0, limit: maxRecordBytes)
                        break
                    } catch {
                        switch error {
                        case .incomplete:
                            guard try window.refill() else {
                                return try rejectRest("truncated record: its length overruns the end of the file")
                            }
                            recordStart = window.begin
                        case .invalid(let why):
                            return try rejectRest("unreadable BER (\(why)); the rest of the file cannot be framed")
                        }
                    }
                }
            }
            number += 1
            let raw = UnsafeRawBufferPointer(rebasing: window.buffer[recordStart..<(recordStart + recordLength)])
            window.begin = recordStart + recordLength
            do {
                var record = try CSRecordDecoder.decode(
                    raw,
                    number: number,
                    context: &context,
                    slots: &slots,
                    limit: maxRecordBytes
                )
                record.sourceLine = number
                if let problem = record.validate() {
                    return .reject(
                        RecordReject(line: number, field: problem.field, reason: problem.reason, raw: Array(raw))
                    )
                }
                return .record(record, raw: raw)
            } catch {
                return .reject(RecordReject(line: number, field: error.field, reason: error.reason, raw: Array(raw)))
            }
        }
    }
}
