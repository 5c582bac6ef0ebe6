/// Compact detector-state keys for numbers and accounts, so per-subscriber state is found by hashing one
/// integer instead of a string.
///
/// A number of up to 17 digits (with or without `+`) maps to the digits' value tagged with their count
/// and the `+`: distinct numbers never share a key. Anything else (a SIP user, an account code) maps to
/// a 63-bit FNV-1a hash with the top bit set, so it cannot meet a number's key; two such strings
/// sharing a key is as likely as a 63-bit hash collision.
enum SubjectKey {
    /// The key of a number as stored.
    static func number(_ text: String) -> Int64 {
        var text = text
        return text.withUTF8 { bytes in
            let plus = bytes.first == UInt8(ascii: "+")
            let digits = plus ? UnsafeBufferPointer(rebasing: bytes[1...]) : bytes
            guard !digits.isEmpty, digits.count <= 17 else { return hash(bytes, tag: 0) }
            var value: Int64 = 0
            for byte in digits {
                let digit = byte &- 0x30
                guard digit < 10 else { return hash(bytes, tag: 0) }
                value = value &* 10 &+ Int64(digit)
            }
            return value << 6 | Int64(digits.count) << 1 | (plus ? 1 : 0)
        }
    }

    /// The number a key was made from, or nil for a hashed key (an account code, a name).
    static func number(of key: Int64) -> String? {
        guard key >= 0 else { return nil }
        let count = Int(key >> 1 & 31)
        let digits = String(key >> 6)
        guard digits.count <= count else { return nil }
        return (key & 1 == 1 ? "+" : "") + String(repeating: "0", count: count - digits.count) + digits
    }

    /// The key of an account code (never equal to a number's key).
    static func account(_ text: String) -> Int64 {
        var text = text
        return text.withUTF8 { hash($0, tag: 1) }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, tag: UInt8) -> Int64 {
        var hash: UInt64 = (0xcbf2_9ce4_8422_2325 ^ UInt64(tag)) &* 0x0000_0100_0000_01B3
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int64(bitPattern: hash | 1 << 63)
    }
}
