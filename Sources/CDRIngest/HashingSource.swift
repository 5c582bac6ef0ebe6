import CDRFormats
import Crypto

/// A byte source that hashes (SHA-256) and counts the raw bytes flowing through it, so standard input
/// gets its registry hash in the same pass and progress can be shown in file bytes.
public final class HashingSource<Base: ByteSource>: ByteSource {
    private var base: Base
    private var hasher = SHA256()
    /// Raw bytes read so far.
    public private(set) var bytesRead: Int64 = 0

    /// Wraps a source.
    public init(base: Base) { self.base = base }

    /// Reads, hashes and counts.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceError) -> Int {
        let n = try base.read(into: buffer)
        if n > 0 {
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            bytesRead += Int64(n)
        }
        return n
    }

    /// The SHA-256 of everything read (call once, at the end).
    public func finalize() -> [UInt8] { Array(hasher.finalize()) }

    /// The SHA-256 of a whole file, read in 1 MiB chunks (the registry identity of a regular file).
    public static func sha256(path: String) throws(SourceError) -> [UInt8] {
        let source = HashingSource<FileSource>(base: try FileSource(path: path))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while try source.read(into: buffer) > 0 {}
        return source.finalize()
    }
}
