import CDRModel

/// Reads CS-domain CDRs in BER as a stream: an MSC's `CallEventDataFile` (header, records, trailer), a
/// TS 32.297 CDR file (file header, then each CDR behind a 5-octet CDR header), or concatenated
/// `CSRecord`s.
///
/// Nothing read from the file can make it allocate without bound or recurse without limit: records are
/// capped at ``maxRecordBytes``, nesting at 32 levels, and a length that overruns the file ends the read
/// with a reject for the remaining bytes. A `CallEventDataFile` is never held whole: its outer SEQUENCE
/// and record list are entered by their headers and the records read one at a time.
public final class BERRecordReader<Source: ByteSource>: RecordReader {
    /// How a file frames its records.
    public enum Framing: Sendable, Equatable {
        /// `CSRecord` after `CSRecord`, optionally padded with `00` or `FF` filler.
        case concatenated
        /// TS 32.297: a file header of `headerLength` octets, then 5-octet CDR headers.
        case ts32297(headerLength: Int)
        /// An MSC's `CallEventDataFile` SEQUENCE (or several in a row), as Huawei and other MSCs write.
        case callEventDataFile
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
    private var dataFile: CallEventDataFile?
    private var dataFileEnd: Int64?
    private var recordsEnd: Int64?
    private var inRecords = false
    private var dataFiles = 0
    private var issues: [String] = []

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

    /// `3gpp-ber`, or `msc-ber` for a `CallEventDataFile`.
    public var dialectName: String { framing == .callEventDataFile ? "msc-ber" : "3gpp-ber" }

    /// The stream offset after the last record, and the next record's number.
    public var resumePoint: ResumePoint { ResumePoint(offset: window.offset, line: number + 1) }

    /// Where the trailers disagree with the records read, once the end is reached.
    public var incompleteness: String? { issues.isEmpty ? nil : issues.joined(separator: "; ") }

    /// The largest length an outer `CallEventDataFile` or its record list may declare (4 octets of length).
    private static var outerLimit: Int { Int(UInt32.max) }

    /// How a stream whose first bytes are `head` frames BER records, or nil if it is not BER.
    public static func sniff(_ head: [UInt8]) -> Framing? {
        guard let first = head.first else { return nil }
        if first == 0x30 {
            let outer = head.withUnsafeBytes { try? BERHeader.read($0, at: 0, limit: outerLimit) }
            guard let outer, outer.headerLength < head.count else { return nil }
            let element = head[outer.headerLength]
            return [0xA0, 0xA1, 0xA2].contains(element) ? .callEventDataFile : nil
        }
        if first & 0xE0 == 0xA0 {
            let parsed = head.withUnsafeBytes { try? BERHeader.read($0, at: 0, limit: 1 << 20) }
            guard let parsed, parsed.tag <= 23 || (96...100).contains(parsed.tag) else { return nil }
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
        if let file = dataFile { issues.append("CallEventDataFile \(file.index) is cut short: \(reason)") }
        dataFile = nil
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
            if resume.offset > 0, framing != .callEventDataFile {
                _ = try window.skip(to: resume.offset)
                number = resume.line - 1
            }
        }
        guard !stopped else { return nil }
        if framing == .callEventDataFile { return try nextInDataFile() }
        while true {
            guard try window.ensure(1) else { return nil }
            let first = window.buffer[window.begin]
            if framing == .concatenated, first == 0x00 || first == 0xFF {
                window.begin += 1
                continue
            }
            if case .ts32297 = framing {
                guard try window.ensure(5) else { return try rejectRest("truncated CDR header at the end of the file") }
                let length = Int(window.buffer[window.begin]) << 8 | Int(window.buffer[window.begin + 1])
                guard try window.ensure(5 + length) else {
                    return try rejectRest("CDR length \(length) overruns the end of the file")
                }
                window.begin += 5
                return decodeRecord(length: length)
            }
            switch try frameRecord() {
            case .success(let length): return decodeRecord(length: length)
            case .failure(let failure): return try rejectRest(failure.reason)
            }
        }
    }

    /// Why a TLV could not be framed.
    private struct FramingFailure: Error {
        var reason: String
    }

    /// The size of the TLV starting at ``ByteWindow/begin``, with all of it in the window.
    private func frameRecord() throws(SourceError) -> Result<Int, FramingFailure> {
        while true {
            let view = UnsafeRawBufferPointer(rebasing: window.buffer[window.begin..<window.filled])
            do {
                return .success(try BERHeader.extent(view, at: 0, limit: maxRecordBytes))
            } catch {
                switch error {
                case .incomplete:
                    guard try window.refill() else {
                        return .failure(
                            FramingFailure(reason: "truncated record: its length overruns the end of the file")
                        )
                    }
                case .invalid(let why):
                    return .failure(
                        FramingFailure(reason: "unreadable BER (\(why)); the rest of the file cannot be framed")
                    )
                }
            }
        }
    }

    /// The tag and length header at ``ByteWindow/begin`` (lengths up to 4 GiB), or nil at the end.
    private func peekHeader() throws(SourceError) -> Result<BERHeader, FramingFailure>? {
        while true {
            let view = UnsafeRawBufferPointer(rebasing: window.buffer[window.begin..<window.filled])
            do {
                return .success(try BERHeader.read(view, at: 0, limit: Self.outerLimit))
            } catch {
                switch error {
                case .incomplete:
                    guard try window.refill() else {
                        return window.begin == window.filled
                            ? nil : .failure(FramingFailure(reason: "truncated BER header at the end of the file"))
                    }
                case .invalid(let why):
                    return .failure(
                        FramingFailure(reason: "unreadable BER (\(why)); the rest of the file cannot be framed")
                    )
                }
            }
        }
    }

    /// Decodes the `length`-byte record at ``ByteWindow/begin`` and consumes it.
    private func decodeRecord(length: Int) -> ReadEvent {
        number += 1
        let raw = UnsafeRawBufferPointer(rebasing: window.buffer[window.begin..<(window.begin + length)])
        window.begin += length
        dataFile?.records += 1
        do {
            switch try CSRecordDecoder.decode(
                raw,
                number: number,
                context: &context,
                slots: &slots,
                limit: maxRecordBytes
            ) {
            case .skipped(let kind):
                return .skipped(kind: kind)
            case .call(var record):
                record.sourceLine = number
                dataFile?.saw(start: record.start)
                if let problem = record.validate() {
                    return .reject(
                        RecordReject(line: number, field: problem.field, reason: problem.reason, raw: Array(raw))
                    )
                }
                return .record(record, raw: raw)
            }
        } catch {
            return .reject(RecordReject(line: number, field: error.field, reason: error.reason, raw: Array(raw)))
        }
    }

    /// Closes the `CallEventDataFile` being read, checking it against its trailer.
    private func closeDataFile() {
        if let file = dataFile { issues.append(contentsOf: file.mismatches) }
        dataFile = nil
        dataFileEnd = nil
        inRecords = false
    }

    /// Whether two end-of-contents octets are next (consuming them), for indefinite lengths.
    private func endOfContents() throws(SourceError) -> Bool {
        guard try window.ensure(2), window.buffer[window.begin] == 0, window.buffer[window.begin + 1] == 0 else {
            return false
        }
        window.begin += 2
        return true
    }

    /// The next event of a `CallEventDataFile` stream. Records before a resume point are read again (to
    /// keep the trailer's tally) but not returned.
    private func nextInDataFile() throws(SourceError) -> ReadEvent? {
        while true {
            let step = try inRecords ? stepInRecords() : dataFile != nil ? stepInDataFile() : stepOutside()
            if case .answer(let event) = step { return event }
        }
    }

    /// What one step through a data file did: moved on (step again) or reached the answer.
    private enum Step {
        case again
        case answer(ReadEvent?)
    }

    /// Inside `callEventRecords`: one record, or the end of the records.
    private func stepInRecords() throws(SourceError) -> Step {
        if let end = recordsEnd, window.offset >= end {
            inRecords = false
            return .again
        }
        if recordsEnd == nil, try endOfContents() {
            inRecords = false
            return .again
        }
        guard try window.ensure(1) else { return .answer(try rejectRest("the file ends inside its callEventRecords")) }
        let length: Int
        switch try frameRecord() {
        case .success(let size): length = size
        case .failure(let failure): return .answer(try rejectRest(failure.reason))
        }
        if let end = recordsEnd, window.offset + Int64(length) > end {
            return .answer(try rejectRest("a record overruns the callEventRecords that hold it"))
        }
        let event = decodeRecord(length: length)
        return window.offset <= resume.offset ? .again : .answer(event)
    }

    /// Inside a `CallEventDataFile`, between its parts: enters the records, or reads the header or trailer.
    private func stepInDataFile() throws(SourceError) -> Step {
        if let end = dataFileEnd, window.offset >= end {
            closeDataFile()
            return .again
        }
        if dataFileEnd == nil, try endOfContents() {
            closeDataFile()
            return .again
        }
        let element: BERHeader
        switch try peekHeader() {
        case .success(let header)?: element = header
        case .failure(let failure)?: return .answer(try rejectRest(failure.reason))
        case nil: return .answer(try rejectRest("the file ends before its CallEventDataFile does"))
        }
        if element.tagClass == 2, element.tag == 1, element.constructed {
            recordsEnd = element.length.map { window.offset + Int64(element.headerLength + $0) }
            if let end = recordsEnd, let fileEnd = dataFileEnd, end > fileEnd {
                return .answer(try rejectRest("callEventRecords overrun the CallEventDataFile that holds them"))
            }
            window.begin += element.headerLength
            inRecords = true
            return .again
        }
        let length: Int
        switch try frameRecord() {
        case .success(let size): length = size
        case .failure(let failure): return .answer(try rejectRest(failure.reason))
        }
        let content = UnsafeRawBufferPointer(
            rebasing: window.buffer[(window.begin + element.headerLength)..<(window.begin + length)]
        )
        if element.tagClass == 2, element.tag == 2, element.length != nil {
            dataFile?.trailer = CallEventDataFile.trailer(content, clock: &context.clock)
        } else if element.tagClass == 2, element.tag == 0 {
            dataFile?.sawHeader = true
        }
        window.begin += length
        return .again
    }

    /// Between data files: skips filler octets and opens the next `CallEventDataFile`, or ends the stream.
    private func stepOutside() throws(SourceError) -> Step {
        guard try window.ensure(1) else { return .answer(nil) }
        let first = window.buffer[window.begin]
        if first == 0x00 || first == 0xFF {
            window.begin += 1
            return .again
        }
        guard first == 0x30 else {
            return .answer(
                try rejectRest(
                    "expected a CallEventDataFile (a SEQUENCE, 30) at byte \(window.offset), found \(BERValue.hex(UnsafeRawBufferPointer(rebasing: window.buffer[window.begin..<(window.begin + 1)])))"
                )
            )
        }
        let outer: BERHeader
        switch try peekHeader() {
        case .success(let header)?: outer = header
        case .failure(let failure)?: return .answer(try rejectRest(failure.reason))
        case nil: return .answer(nil)
        }
        dataFiles += 1
        dataFile = CallEventDataFile(index: dataFiles)
        dataFileEnd = outer.length.map { window.offset + Int64(outer.headerLength + $0) }
        window.begin += outer.headerLength
        return .again
    }
}
