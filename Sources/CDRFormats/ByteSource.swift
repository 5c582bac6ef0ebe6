#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of bytes read in chunks: a file, standard input, or a decompressor over either.
public protocol ByteSource {
    /// Fills the start of `buffer` and returns the number of bytes written; 0 means end of stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceError) -> Int
}

/// A file-level fault: the file as a whole cannot be read, so nothing from it is committed.
public struct SourceError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for a person.
    public var reason: String
    /// True when the file is deliberately not loaded (e.g. a CUCM CMR file) rather than broken.
    public var skip: Bool
    /// True when the operating system failed a read or write (permissions, disk full, device), not the data.
    public var io: Bool

    /// Creates an error with a reason.
    public init(_ reason: String, skip: Bool = false, io: Bool = false) {
        self.reason = reason
        self.skip = skip
        self.io = io
    }

    /// The reason.
    public var description: String { reason }
}

/// Reads a file descriptor with plain `read(2)`; owns and closes it unless it is standard input.
public final class FileSource: ByteSource {
    private let fd: Int32

    /// Opens a path for reading; `-` is standard input.
    public init(path: String) throws(SourceError) {
        if path == "-" {
            fd = 0
            return
        }
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw SourceError("cannot open: \(String(cString: strerror(errno)))", io: true) }
        fd = opened
    }

    deinit { if fd != 0 { close(fd) } }

    /// Reads the next chunk, retrying on `EINTR`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw SourceError("read failed: \(String(cString: strerror(errno)))", io: true)
        }
    }
}

/// Serves bytes from memory; used for peeking at a stream's head and in tests (optionally in
/// small chunks, to prove that chunk boundaries never change what is parsed).
public struct MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    private let chunk: Int

    /// Creates a source over `bytes` that returns at most `chunk` bytes per read.
    public init(_ bytes: [UInt8], chunk: Int = .max) {
        self.bytes = bytes
        self.chunk = max(1, chunk)
    }

    /// Copies the next chunk.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceError) -> Int {
        let n = min(buffer.count, chunk, bytes.count - position)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}

/// Replays bytes already read from a source (a peeked head) before reading on from it.
public struct PrefixedSource<Base: ByteSource>: ByteSource {
    private var head: MemorySource
    private var headDone = false
    private var base: Base

    /// Creates a source that yields `head` first, then the rest of `base`.
    public init(head: [UInt8], base: Base) {
        self.head = MemorySource(head)
        self.base = base
    }

    /// Reads from the head until it is exhausted, then from the base.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceError) -> Int {
        if !headDone {
            let n = try head.read(into: buffer)
            if n > 0 { return n }
            headDone = true
        }
        return try base.read(into: buffer)
    }
}

extension ByteSource {
    /// Reads until `count` bytes or the end of the stream, for sniffing a file's head.
    public mutating func readHead(_ count: Int) throws(SourceError) -> [UInt8] {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        defer { scratch.deallocate() }
        var filled = 0
        while filled < count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[filled...]))
            if n == 0 { break }
            filled += n
        }
        return Array(scratch[..<filled])
    }
}
