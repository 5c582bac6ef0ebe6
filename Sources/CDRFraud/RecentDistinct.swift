/// Exact "at least N distinct values in the last W seconds" with O(N) memory: it keeps only the N most
/// recently seen distinct values and when each was last seen.
public struct RecentDistinct<Value: Hashable & Sendable>: Sendable {
    private var lastSeen: [Value: Int64] = [:]
    /// The largest N the question is asked for.
    public let capacity: Int

    /// Tracks up to `capacity` values.
    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Records `value` seen at `time`.
    public mutating func add(_ value: Value, at time: Int64) {
        if let previous = lastSeen[value], previous >= time { return }
        lastSeen[value] = time
        if lastSeen.count > capacity, let oldest = lastSeen.min(by: { $0.value < $1.value })?.key {
            lastSeen[oldest] = nil
        }
    }

    /// Distinct values seen in `(now - window, now]`, exact up to ``capacity``.
    public func count(now: Int64, window: Int64) -> Int {
        lastSeen.values.reduce(0) { $0 + ($1 > now - window && $1 <= now ? 1 : 0) }
    }
}
