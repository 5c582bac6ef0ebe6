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

    /// Reads (and hashes) whatever a reader that stopped early left unread, so the hash is the file's.
    public func drain() throws(SourceError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while try read(into: buffer) > 0 {}
    }

    /// The SHA-256 of everything read so far; reading may go on.
    public func finalize() -> [UInt8] { Array(hasher.finalize()) }

    /// The SHA-256 of a file's first `limit` bytes (all of it when nil), read in 1 MiB chunks.
    public static func sha256(path: String, limit: Int64? = nil) throws(SourceError) -> [UInt8] {
        let source = HashingSource<FileSource>(base: try FileSource(path: path))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var remaining = limit ?? .max
        while remaining > 0 {
            let n = try source.read(
                into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<Int(min(Int64(buffer.count), remaining))])
            )
            if n == 0 { break }
            remaining -= Int64(n)
        }
        return source.finalize()
    }

    /// The SHA-256 of a file's first 64 KiB: with the size, the registry's cheap "seen before?" test.
    public static func headSHA256(path: String) throws(SourceError) -> [UInt8] {
        try sha256(path: path, limit: 64 * 1024)
    }
}
