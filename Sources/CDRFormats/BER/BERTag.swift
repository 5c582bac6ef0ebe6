/// One BER tag-length header, read from bytes in hand.
struct BERHeader: Equatable {
    /// 0 universal, 1 application, 2 context-specific, 3 private.
    var tagClass: UInt8
    var constructed: Bool
    var tag: UInt32
    /// Bytes taken by the identifier and length octets.
    var headerLength: Int
    /// The content length, or nil for the indefinite form (content ends with two zero octets).
    var length: Int?

    /// What can go wrong reading a header.
    enum Problem: Error, Equatable {
        /// More bytes are needed to finish the header.
        case incomplete
        /// The header is not valid BER (a tag or length beyond what cdrpipe accepts).
        case invalid(String)
    }

    /// Reads a header at `offset`; lengths over `limit` are invalid (a corrupt or hostile length).
    static func read(_ b: UnsafeRawBufferPointer, at offset: Int, limit: Int) throws(Problem) -> BERHeader {
        var i = offset
        guard i < b.count else { throw .incomplete }
        let first = b[i]
        i += 1
        var tag = UInt32(first & 0x1F)
        if tag == 0x1F {
            tag = 0
            var count = 0
            while true {
                guard i < b.count else { throw .incomplete }
                let byte = b[i]
                i += 1
                count += 1
                guard count <= 4 else { throw .invalid("tag number longer than 4 octets") }
                tag = tag << 7 | UInt32(byte & 0x7F)
                if byte & 0x80 == 0 { break }
            }
        }
        guard i < b.count else { throw .incomplete }
        let lengthByte = b[i]
        i += 1
        var length: Int?
        if lengthByte < 0x80 {
            length = Int(lengthByte)
        } else if lengthByte == 0x80 {
            guard first & 0x20 != 0 else { throw .invalid("indefinite length on a primitive value") }
            length = nil
        } else {
            let count = Int(lengthByte & 0x7F)
            guard count <= 4 else { throw .invalid("length field of \(count) octets") }
            guard i + count <= b.count else { throw .incomplete }
            var value = 0
            for _ in 0..<count {
                value = value << 8 | Int(b[i])
                i += 1
            }
            guard value <= limit else { throw .invalid("length \(value) exceeds the \(limit)-byte record limit") }
            length = value
        }
        return BERHeader(
            tagClass: first >> 6,
            constructed: first & 0x20 != 0,
            tag: tag,
            headerLength: i - offset,
            length: length
        )
    }

    /// The total size of the TLV at `offset` (header, content, and end-of-contents octets for the
    /// indefinite form), checking nesting up to `depth` levels.
    static func extent(
        _ b: UnsafeRawBufferPointer,
        at offset: Int,
        limit: Int,
        depth: Int = 0
    ) throws(Problem) -> Int {
        guard depth < 32 else { throw .invalid("nesting deeper than 32 levels") }
        let header = try read(b, at: offset, limit: limit)
        if let length = header.length {
            guard offset + header.headerLength + length <= b.count else { throw .incomplete }
            return header.headerLength + length
        }
        var i = offset + header.headerLength
        while true {
            guard i + 2 <= b.count else { throw .incomplete }
            if b[i] == 0, b[i + 1] == 0 { return i + 2 - offset }
            i += try extent(b, at: i, limit: limit, depth: depth + 1)
            guard i - offset <= limit else { throw .invalid("value longer than the \(limit)-byte record limit") }
        }
    }
}
