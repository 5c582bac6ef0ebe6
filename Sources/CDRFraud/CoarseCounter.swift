/// A sliding event count over a window in six equal buckets, held inline (no heap allocation): the
/// cheap first stage kept for every key before a detector keeps detail for the few that matter.
public struct CoarseCounter: Sendable {
    private var buckets: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0)
    private var newest: Int64 = Int64.min
    private let bucketSeconds: Int32

    /// A counter over `window` seconds.
    public init(window: Int64) { bucketSeconds = Int32(max(1, window / 6)) }

    private func bucket(_ index: Int) -> UInt32 {
        withUnsafeBytes(of: buckets) { $0.load(fromByteOffset: index * 4, as: UInt32.self) }
    }

    private mutating func set(_ index: Int, _ value: UInt32) {
        withUnsafeMutableBytes(of: &buckets) { $0.storeBytes(of: value, toByteOffset: index * 4, as: UInt32.self) }
    }

    /// Counts an event at `time`; an event older than the window restarts the count there.
    public mutating func add(at time: Int64) {
        let slot = time / Int64(bucketSeconds)
        if newest == Int64.min || slot <= newest - 6 {
            buckets = (0, 0, 0, 0, 0, 0)
            newest = slot
        } else if slot > newest {
            for step in 1...min(6, slot - newest) { set(Int((newest + step) % 6), 0) }
            newest = slot
        }
        let index = Int(((slot % 6) + 6) % 6)
        set(index, bucket(index) &+ 1)
    }

    /// Events in the window ending at the newest event.
    public var count: Int {
        (0..<6).reduce(0) { $0 + Int(bucket($1)) }
    }
}
