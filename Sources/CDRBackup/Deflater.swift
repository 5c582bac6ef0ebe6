import CZlib

/// Streaming gzip compression and decompression through zlib, handing output on in blocks.
final class ZlibStream {
    private let stream: UnsafeMutablePointer<z_stream>
    private let compressing: Bool
    private var output = [UInt8](repeating: 0, count: 1 << 18)
    private var done = false

    /// A compressor at `level` (1 fastest … 9 smallest), or a decompressor.
    init(compressLevel level: Int32?) throws(BackupError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        compressing = level != nil
        let status = level.map { cdr_deflateInit2(stream, $0) } ?? cdr_inflateInit2(stream, 15 + 16)
        guard status == Z_OK else {
            stream.deallocate()
            throw .io(path: "zlib", problem: "could not start (status \(status))")
        }
    }

    deinit {
        if compressing { deflateEnd(stream) } else { inflateEnd(stream) }
        stream.deallocate()
    }

    /// True once a decompressor has seen the end of the gzip member.
    var finished: Bool { done }

    /// Feeds `input` (and, with `finish`, ends the stream); output goes to `sink`.
    func push(
        _ input: UnsafeRawBufferPointer,
        finish: Bool = false,
        _ sink: (UnsafeRawBufferPointer) throws(BackupError) -> Void
    ) throws(BackupError) {
        if done {
            guard input.isEmpty else {
                throw .corrupt(path: "payload", problem: "data follows the compressed snapshot")
            }
            return
        }
        stream.pointee.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        )
        stream.pointee.avail_in = UInt32(input.count)
        while true {
            let (status, produced) = output.withUnsafeMutableBytes { buffer -> (Int32, Int) in
                stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = UInt32(buffer.count)
                let status =
                    compressing ? deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH) : inflate(stream, Z_NO_FLUSH)
                return (status, buffer.count - Int(stream.pointee.avail_out))
            }
            if produced > 0 {
                try output.withUnsafeBytes { buffer in
                    Result { () throws(BackupError) in try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<produced]))
                    }
                }.get()
            }
            if status == Z_STREAM_END {
                done = true
                guard compressing || stream.pointee.avail_in == 0 else {
                    throw .corrupt(path: "payload", problem: "data follows the compressed snapshot")
                }
                return
            }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                throw .corrupt(path: "payload", problem: "zlib status \(status)")
            }
            if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 && !finish { return }
            if status == Z_BUF_ERROR && stream.pointee.avail_in == 0 { return }
        }
    }
}
