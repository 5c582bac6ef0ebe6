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
    private var source: Source
    private let framing: Framing
    private var context: DecodeContext
    private var buffer: UnsafeMutableRawBufferPointer
    private var begin = 0
    private var filled = 0
    private var ended = false
    private var consumedBefore: Int64 = 0
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
        self.source = source
        self.framing = framing
        self.context = context
        self.resume = resume
        self.maxRecordBytes = maxRecordBytes
        buffer = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// `3gpp-ber`.
    public var dialectName: String { "3gpp-ber" }

    /// The stream offset after the last record, and the next record's number.
    public var resumePoint: ResumePoint { ResumePoint(offset: consumedBefore + Int64(begin), line: number + 1) }

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

    private func refill() throws(SourceError) -> Bool {
        if begin > 0 {
            let remaining = filled - begin
            if remaining > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + begin, byteCount: remaining) }
            consumedBefore += Int64(begin)
            filled = remaining
            begin = 0
        }
        if filled == buffer.count {
            guard buffer.count < maxRecordBytes + 64 else { return false }
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: filled)
            buffer.deallocate()
            buffer = bigger
        }
        guard !ended else { return false }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
        if n == 0 { ended = true }
        filled += n
        return n > 0
    }

    /// Makes at least `count` bytes from `begin` available; false at the end of the stream.
    private func ensure(_ count: Int) throws(SourceError) -> Bool {
        while filled - begin < count {
            guard try refill() else { return false }
        }
        return true
    }

    private func skip(_ count: Int64) throws(SourceError) {
        var left = count
        while left > 0 {
            if begin == filled, !(try refill()) { return }
            let take = Int(min(Int64(filled - begin), left))
            begin += take
            left -= Int64(take)
        }
    }

    /// The rest of the stream as one reject, and the end of reading.
    private func rejectRest(_ reason: String) throws(SourceError) -> ReadEvent {
        stopped = true
        number += 1
        var raw = Array(UnsafeRawBufferPointer(rebasing: buffer[begin..<filled]).prefix(4096))
        while try refill() {}
        raw = raw.isEmpty ? Array(UnsafeRawBufferPointer(rebasing: buffer[begin..<filled]).prefix(4096)) : raw
        begin = filled
        return .reject(RecordReject(line: number, field: "record", reason: reason, raw: raw))
    }

    /// The next record or reject; nil at the end.
    public func next() throws(SourceError) -> ReadEvent? {
        if !started {
            started = true
            if case .ts32297(let headerLength) = framing, resume.offset == 0 { try skip(Int64(headerLength)) }
            if resume.offset > 0 {
                try skip(resume.offset)
                number = resume.line - 1
            }
        }
        guard !stopped else { return nil }
        while true {
            guard try ensure(1) else { return nil }
            let first = buffer[begin]
            if framing == .concatenated, first == 0x00 || first == 0xFF {
                begin += 1
                continue
            }
            var recordStart = begin
            var recordLength: Int
            if case .ts32297 = framing {
                guard try ensure(5) else { return try rejectRest("truncated CDR header at the end of the file") }
                recordLength = Int(buffer[begin]) << 8 | Int(buffer[begin + 1])
                recordStart = begin + 5
                guard try ensure(5 + recordLength) else {
                    return try rejectRest("CDR length \(recordLength) overruns the end of the file")
                }
                recordStart = begin + 5
            } else {
                while true {
                    let view = UnsafeRawBufferPointer(rebasing: buffer[begin..<filled])
                    do {
                        recordLength = try BERHeader.extent(view, at: 0, limit: maxRecordBytes)
                        break
                    } catch {
                        switch error {
                        case .incomplete:
                            guard try refill() else {
                                return try rejectRest("truncated record: its length overruns the end of the file")
                            }
                            recordStart = begin
                        case .invalid(let why):
                            return try rejectRest("unreadable BER (\(why)); the rest of the file cannot be framed")
                        }
                    }
                }
            }
            number += 1
            let raw = UnsafeRawBufferPointer(rebasing: buffer[recordStart..<(recordStart + recordLength)])
            begin = recordStart + recordLength
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
