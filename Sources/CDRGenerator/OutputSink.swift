import CZlib
import Foundation

/// Where generated files are written: a file or standard output, optionally gzip-compressed.
public final class OutputSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// zlib keeps a pointer back to its stream, so the stream lives at a fixed address.
    private var stream: UnsafeMutablePointer<z_stream>?
    private var compressed: [UInt8] = []

    /// Opens `path` (created with mode 0600; `-` is standard output), compressing when `gzip` is set.
    public init(path: String, gzip: Bool) throws {
        if path == "-" {
            handle = FileHandle.standardOutput
        } else {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
            handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        }
        if gzip {
            let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            z.initialize(to: z_stream())
            guard cdr_deflateInit2(z, 6) == Z_OK else {
                z.deallocate()
                throw CocoaError(.featureUnsupported)
            }
            stream = z
            compressed = [UInt8](repeating: 0, count: 1 << 18)
        }
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends text.
    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try drain(finish: false) }
    }

    /// Appends bytes.
    public func write(bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try drain(finish: false) }
    }

    /// Flushes everything and ends the gzip stream.
    public func close() throws {
        try drain(finish: true)
        if let stream {
            deflateEnd(stream)
            stream.deallocate()
        }
        stream = nil
    }

    private func drain(finish: Bool) throws {
        guard let stream else {
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
            return
        }
        try buffer.withUnsafeMutableBytes { input in
            stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = UInt32(input.count)
            var status: Int32
            repeat {
                var produced = 0
                (status, produced) = compressed.withUnsafeMutableBytes { out -> (Int32, Int) in
                    stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = UInt32(out.count)
                    let status = deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
                    return (status, out.count - Int(stream.pointee.avail_out))
                }
                guard status != Z_STREAM_ERROR else { throw CocoaError(.fileWriteUnknown) }
                try handle.write(contentsOf: compressed[..<produced])
            } while finish ? status != Z_STREAM_END : stream.pointee.avail_out == 0
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
