/// A sliding window over a ``ByteSource``: one buffer filled in large chunks and consumed from
/// ``begin``; unread bytes move to the front on each refill, and the buffer doubles only while one unit
/// (a record straddling chunks) needs more room, never beyond `limit` bytes. Shared by the CSV
/// tokenizer and the BER reader.
final class ByteWindow<Source: ByteSource> {
    private var source: Source
    private(set) var buffer: UnsafeMutableRawBufferPointer
    /// The first unread byte.
    var begin = 0
    /// The end of the bytes read so far.
    private(set) var filled = 0
    /// Whether the source has reported its end.
    private(set) var ended = false
    private var consumedBefore: Int64 = 0
    private let limit: Int

    init(source: Source, chunk: Int, limit: Int) {
        self.source = source
        buffer = .allocate(byteCount: chunk, alignment: 16)
        self.limit = max(limit, chunk)
    }

    deinit { buffer.deallocate() }

    /// The stream offset of ``begin``.
    var offset: Int64 { consumedBefore + Int64(begin) }

    /// The buffer's bytes as `UInt8`.
    var base: UnsafeMutablePointer<UInt8> { buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) }

    /// Keeps the unread bytes, reads more; false when no new byte arrived (the end of the stream, or a
    /// full window at its limit).
    func refill() throws(SourceError) -> Bool {
        if begin > 0 {
            let remaining = filled - begin
            if remaining > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + begin, byteCount: remaining) }
            consumedBefore += Int64(begin)
            filled = remaining
            begin = 0
        }
        if filled == buffer.count {
            guard buffer.count < limit else { return false }
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: min(buffer.count * 2, limit), alignment: 16)
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

    /// Makes at least `count` unread bytes available; false if the stream or the window ends first.
    func ensure(_ count: Int) throws(SourceError) -> Bool {
        while filled - begin < count {
            guard try refill() else { return false }
        }
        return true
    }

    /// Discards the stream up to offset `target`; false if it ends first.
    func skip(to target: Int64) throws(SourceError) -> Bool {
        while offset < target {
            if begin == filled, !(try refill()) { return false }
            begin += Int(min(Int64(filled - begin), target - offset))
        }
        return true
    }
}
