/// How many distinct values are among the last N observed, kept up to date at O(1) per observation: a ring
/// of the last N values and a count per value in it.
public struct RollingDistinct<Value: Hashable & Sendable>: Sendable {
    private var ring: [Value] = []
    private var next = 0
    private var counts: [Value: Int32] = [:]
    /// N: how many of the latest observations count.
    public let capacity: Int

    /// Tracks the last `capacity` observations.
    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Observes one value, forgetting the oldest beyond ``capacity``.
    public mutating func add(_ value: Value) {
        if ring.count < capacity {
            ring.append(value)
        } else {
            let old = ring[next]
            ring[next] = value
            next = (next + 1) % capacity
            if let left = counts[old], left > 1 { counts[old] = left - 1 } else { counts[old] = nil }
        }
        counts[value, default: 0] += 1
    }

    /// Observations held (at most ``capacity``).
    public var observed: Int { ring.count }
    /// Distinct values among them.
    public var distinct: Int { counts.count }
}
