/// A record's 128-bit content key (truncated SHA-256 of its canonical content): two deliveries of the
/// same record share it, two different records collide with probability ~n²/2¹²⁹ (1.5e-19 at 10¹⁰).
public struct RecordKey: Sendable, Hashable {
    /// The first 8 bytes, big-endian.
    public var high: UInt64
    /// The last 8 bytes, big-endian.
    public var low: UInt64

    /// Creates a key from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The 16 bytes as stored.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }
}
