/// Events per key in a sliding event-time window, kept as a ring of equal buckets (one minute for a
/// one-hour window): O(buckets) memory, and an error at the window's edge of at most one bucket.
public struct SlidingCounter: Sendable {
    private var buckets: [Int64]
    private var sums: [Double]
    private var newest: Int64 = Int64.min
    private var total: Int64 = 0
    private var totalSum: Double = 0
    /// Seconds per bucket.
    public let bucketSeconds: Int64

    /// A window of `window` seconds in `buckets` buckets.
    public init(window: Int64, buckets count: Int = 60) {
        bucketSeconds = max(1, window / Int64(count))
        buckets = Array(repeating: 0, count: count)
        sums = Array(repeating: 0, count: count)
    }

    /// Adds an event at `time` with a value (e.g. seconds); false when it was older than the whole window
    /// (late: another source's records for an earlier period), in which case the window restarts there.
    @discardableResult
    public mutating func add(at time: Int64, value: Double = 0) -> Bool {
        var late = false
        let bucket = time / bucketSeconds
        if newest == Int64.min { newest = bucket }
        if bucket > newest {
            let steps = min(Int64(buckets.count), bucket - newest)
            for step in 1...steps {
                let index = Int((newest + step) % Int64(buckets.count))
                total -= buckets[index]
                totalSum -= sums[index]
                buckets[index] = 0
                sums[index] = 0
            }
            newest = bucket
        } else if bucket <= newest - Int64(buckets.count) {
            for index in buckets.indices {
                buckets[index] = 0
                sums[index] = 0
            }
            total = 0
            totalSum = 0
            newest = bucket
            late = true
        }
        let index = Int(bucket % Int64(buckets.count))
        buckets[index] += 1
        sums[index] += value
        total += 1
        totalSum += value
        return !late
    }

    /// Events in the window ending at the newest event.
    public var count: Int64 { total }
    /// The sum of the values in the window.
    public var sum: Double { max(0, totalSum) }
}
