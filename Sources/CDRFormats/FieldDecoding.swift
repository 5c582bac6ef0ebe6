import CDRModel

/// Byte-level decoders for the field types CDR files use; nil means "not this type".
public enum FieldDecoding {
    /// A base-10 integer with an optional leading `-`; nil when empty, non-numeric or over 18 digits.
    @inline(__always)
    public static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var negative = false
        var value: Int64 = 0
        var index = 0
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
            guard bytes.count > 1 else { return nil }
        } else if bytes.count > 18 {
            return nil
        }
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    /// `YYYY-MM-DD HH:MM:SS` (or with `T`), optionally followed by a fraction that is ignored, read as
    /// wall-clock seconds since the epoch (the caller applies the time zone).
    @inline(__always)
    public static func wallClock(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard b.count >= 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x20 || b[10] == 0x54, b[13] == 0x3A,
            b[16] == 0x3A
        else { return nil }
        if b.count > 19 {
            guard b[19] == 0x2E, b[20...].allSatisfy({ $0 &- 0x30 < 10 }) else { return nil }
        }
        @inline(__always) func digits(_ at: Int, _ n: Int) -> Int64? { CivilTime.decimal(b, at: at, count: n) }
        guard let y = digits(0, 4), let mo = digits(5, 2), let d = digits(8, 2), let h = digits(11, 2),
            let mi = digits(14, 2), let s = digits(17, 2)
        else { return nil }
        return CivilTime.epoch(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
    }

    /// Whether bytes look like an Asterisk uniqueid (`1427211880.12`).
    public static func looksLikeUniqueID(_ b: UnsafeRawBufferPointer) -> Bool {
        guard let dot = b.firstIndex(of: 0x2E), dot > 0, dot < b.count - 1 else { return false }
        for (i, byte) in b.enumerated() where i != dot && byte &- 0x30 >= 10 { return false }
        return true
    }

    /// The trunk part of a channel name: `SIP/carrier-0000002a` becomes `SIP/carrier`.
    public static func trunk(ofChannel b: UnsafeRawBufferPointer) -> String {
        guard let dash = b.lastIndex(of: 0x2D), dash > 0,
            b[(dash + 1)...].allSatisfy({ ($0 &- 0x30 < 10) || ($0 | 0x20) &- 0x61 < 6 })
        else { return String(decoding: b, as: UTF8.self) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: b[..<dash]), as: UTF8.self)
    }
}
