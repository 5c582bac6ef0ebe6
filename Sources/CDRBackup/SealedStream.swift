import Crypto

/// The at-rest format of a backup payload: a 32-byte header (magic, random base nonce, chunk size) and
/// frames of at most `chunk` plaintext bytes, each sealed with AES-256-GCM under a nonce derived from the
/// base and the frame's index, authenticating the header, the index and whether it is the last frame. So
/// a changed byte, a reordered, dropped or repeated frame, a cut-off file and trailing bytes all fail.
enum SealedStream {
    static let magic = Array("CDRBKP01".utf8)
    static let headerSize = 32
    static let tagSize = 16

    static func nonce(_ base: [UInt8], _ index: UInt64) -> [UInt8] {
        var nonce = base
        for byte in 0..<8 { nonce[4 + byte] ^= UInt8(truncatingIfNeeded: index >> (56 - 8 * UInt64(byte))) }
        return nonce
    }

    static func associatedData(_ header: [UInt8], _ index: UInt64, final: Bool) -> [UInt8] {
        header + (0..<8).map { UInt8(truncatingIfNeeded: index >> (56 - 8 * UInt64($0))) } + [final ? 1 : 0]
    }
}

/// Seals bytes into a file in the ``SealedStream`` format, hashing what it writes.
final class SealedWriter {
    private let file: RawFile
    private let key: SymmetricKey
    private let header: [UInt8]
    private let base: [UInt8]
    private let chunk: Int
    private var pending: [UInt8] = []
    private var index: UInt64 = 0
    private var hasher = SHA256()
    /// Bytes written to the file so far.
    private(set) var written: Int64 = 0

    init(file: RawFile, key: SymmetricKey, chunk: Int = 1 << 20) throws(BackupError) {
        self.file = file
        self.key = key
        self.chunk = chunk
        base = (0..<12).map { _ in UInt8.random(in: 0...255) }
        var header = SealedStream.magic + base
        header += (0..<4).map { UInt8(truncatingIfNeeded: UInt32(chunk) >> (24 - 8 * UInt32($0))) }
        header += [UInt8](repeating: 0, count: SealedStream.headerSize - header.count)
        self.header = header
        pending.reserveCapacity(chunk)
        try emit(header)
    }

    /// Adds plaintext.
    func write(_ bytes: UnsafeRawBufferPointer) throws(BackupError) {
        var offset = 0
        while offset < bytes.count {
            let take = min(chunk - pending.count, bytes.count - offset)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
            offset += take
            if pending.count == chunk { try seal(final: false) }
        }
    }

    /// Seals the last frame; returns the SHA-256 of the whole file.
    func finish() throws(BackupError) -> [UInt8] {
        try seal(final: true)
        return Array(hasher.finalize())
    }

    private func seal(final: Bool) throws(BackupError) {
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(
                pending,
                using: key,
                nonce: try AES.GCM.Nonce(data: SealedStream.nonce(base, index)),
                authenticating: SealedStream.associatedData(header, index, final: final)
            )
        } catch {
            throw .io(path: file.path, problem: "sealing failed: \(error)")
        }
        let length = UInt32(box.ciphertext.count + SealedStream.tagSize)
        try emit((0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * UInt32($0))) })
        try emit(Array(box.ciphertext) + Array(box.tag))
        pending.removeAll(keepingCapacity: true)
        index += 1
    }

    private func emit(_ bytes: [UInt8]) throws(BackupError) {
        hasher.update(data: bytes)
        written += Int64(bytes.count)
        try file.write(bytes)
    }
}

/// Opens a ``SealedStream`` file frame by frame, hashing what it reads.
final class SealedReader {
    private let file: RawFile
    private let key: SymmetricKey
    private var header = [UInt8](repeating: 0, count: SealedStream.headerSize)
    private var base: [UInt8] = []
    private var chunk = 0
    private var index: UInt64 = 0
    private var ended = false
    private var hasher = SHA256()

    init(file: RawFile, key: SymmetricKey) throws(BackupError) {
        self.file = file
        self.key = key
        let count = try file.readFully(into: &header)
        guard count == SealedStream.headerSize, Array(header[0..<8]) == SealedStream.magic else {
            throw .corrupt(path: file.path, problem: "not a cdrpipe backup payload (bad header)")
        }
        hasher.update(data: header)
        base = Array(header[8..<20])
        chunk = header[20..<24].reduce(0) { $0 << 8 | Int($1) }
        guard (1...(64 << 20)).contains(chunk) else { throw .corrupt(path: file.path, problem: "bad chunk size") }
    }

    /// The next frame's plaintext, or nil after the last frame (checking nothing follows it).
    func next() throws(BackupError) -> [UInt8]? {
        if ended { return nil }
        var lengthBytes = [UInt8](repeating: 0, count: 4)
        let got = try file.readFully(into: &lengthBytes)
        guard got == 4 else { throw .corrupt(path: file.path, problem: "cut off after frame \(index)") }
        let length = lengthBytes.reduce(0) { $0 << 8 | Int($1) }
        guard length >= SealedStream.tagSize, length <= chunk + SealedStream.tagSize else {
            throw .corrupt(path: file.path, problem: "frame \(index) has an impossible length")
        }
        var frame = [UInt8](repeating: 0, count: length)
        let read = try file.readFully(into: &frame)
        guard read == length else { throw .corrupt(path: file.path, problem: "cut off inside frame \(index)") }
        hasher.update(data: lengthBytes)
        hasher.update(data: frame)
        for final in [false, true] {
            if let plain = open(frame, final: final) {
                index += 1
                if final {
                    ended = true
                    var extra = [UInt8](repeating: 0, count: 1)
                    let more = try file.readFully(into: &extra)
                    guard more == 0 else { throw .corrupt(path: file.path, problem: "bytes follow the last frame") }
                }
                return plain
            }
        }
        throw .corrupt(path: file.path, problem: "frame \(index) fails authentication")
    }

    /// SHA-256 of everything read (valid once ``next()`` returned nil).
    func digest() -> [UInt8] { Array(hasher.finalize()) }

    private func open(_ frame: [UInt8], final: Bool) -> [UInt8]? {
        guard let nonce = try? AES.GCM.Nonce(data: SealedStream.nonce(base, index)),
            let box = try? AES.GCM.SealedBox(
                nonce: nonce,
                ciphertext: frame[0..<(frame.count - SealedStream.tagSize)],
                tag: frame[(frame.count - SealedStream.tagSize)...]
            )
        else { return nil }
        let aad = SealedStream.associatedData(header, index, final: final)
        return (try? AES.GCM.open(box, using: key, authenticating: aad)).map { Array($0) }
    }
}
