/// A fixed-size Bloom filter of the keys a detector has met: "never met" is always right, "met" is wrong
/// for a small share of keys (about 0.06 % at 2 million, 5 % at 10 million). It lets a detector whose
/// keyed table is capped tell a key dropped at the cap from one it has never seen, in memory that does not
/// grow with the number of subscribers.
struct SeenFilter: Sendable {
    /// 2^26 bits: 8 MiB, touched page by page as keys arrive.
    private static let bitCount: UInt64 = 1 << 26
    private var words: [UInt64]

    /// An empty filter.
    init() { words = [UInt64](repeating: 0, count: Int(Self.bitCount / 64)) }

    /// Notes `key`; returns true when it was (probably) met before.
    mutating func insert(_ key: Int64) -> Bool {
        let (first, second) = Self.hashes(key)
        var seen = true
        for probe in 0..<UInt64(3) {
            let bit = (first &+ probe &* second) % Self.bitCount
            let mask = UInt64(1) << (bit & 63)
            if words[Int(bit >> 6)] & mask == 0 {
                seen = false
                words[Int(bit >> 6)] |= mask
            }
        }
        return seen
    }

    /// True when `key` was (probably) met before.
    func contains(_ key: Int64) -> Bool {
        let (first, second) = Self.hashes(key)
        for probe in 0..<UInt64(3) {
            let bit = (first &+ probe &* second) % Self.bitCount
            if words[Int(bit >> 6)] & (UInt64(1) << (bit & 63)) == 0 { return false }
        }
        return true
    }

    /// Two hashes of one 64-bit mix of the key, for three probes by double hashing.
    private static func hashes(_ key: Int64) -> (UInt64, UInt64) {
        var mixed = UInt64(bitPattern: key) &+ 0x9E37_79B9_7F4A_7C15
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        mixed ^= mixed >> 31
        return (mixed & 0xFFFF_FFFF, (mixed >> 32) | 1)
    }
}
