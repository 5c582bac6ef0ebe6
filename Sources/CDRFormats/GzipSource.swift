import CZlib

/// Decompresses a gzip stream (one or more concatenated members) with zlib, in process.
///
/// A stream that ends inside a member is a ``SourceError`` ("truncated gzip"), so a cut-off
/// download is never taken for a short file.
public final class GzipSource<Base: ByteSource>: ByteSource {
    private var base: Base
    /// zlib keeps a pointer back to its stream, so the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var memberOpen = false
    private var finished = false

    /// Wraps a compressed source.
    public init(base: Base, inputChunk: Int = 256 * 1024) throws(SourceError) {
        self.base = base
        input = .allocate(byteCount: inputChunk, alignment: 16)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = cdr_inflateInit2(stream, 15 + 16)
        guard status == Z_OK else {
            input.deallocate()
            stream.deallocate()
            throw SourceError("zlib could not start (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// Whether the first bytes of a stream are the gzip magic number.
    public static func isGzip(_ head: [UInt8]) -> Bool {
        head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B
    }

    /// Inflates into `buffer`; reads more compressed input as needed.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(buffer.count)
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0 && !inputEnded {
                let n = try base.read(into: input)
                if n == 0 {
                    inputEnded = true
                } else {
                    stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = UInt32(n)
                }
            }
            if stream.pointee.avail_in == 0 && inputEnded {
                if memberOpen { throw SourceError("truncated gzip: the stream ends inside a compressed member") }
                finished = true
                break
            }
            memberOpen = true
            let status = inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END:
                memberOpen = false
                inflateReset(stream)
            case Z_OK, Z_BUF_ERROR:
                continue
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                throw SourceError("corrupt gzip: \(message)")
            }
        }
        return buffer.count - Int(stream.pointee.avail_out)
    }
}
