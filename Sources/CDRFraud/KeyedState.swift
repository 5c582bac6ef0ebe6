/// Per-key detector state with event-time expiry and a hard cap on keys, so memory stays bounded
/// whatever the input: a key untouched for `ttl` seconds of event time is dropped, and beyond `cap` keys
/// the least recently touched go first.
public struct KeyedState<Key: Hashable & Sendable, State: Sendable>: Sendable {
    private struct Entry {
        var state: State
        var touched: Int64
    }

    private var entries: [Key: Entry] = [:]
    private var operations = 0
    private var nextSweep = 4096
    /// Seconds of event time a key lives without events.
    public let ttl: Int64
    /// Most keys kept.
    public let cap: Int
    /// Keys dropped because the cap was reached (a capacity metric).
    public private(set) var capEvictions: Int64 = 0

    /// Creates empty state.
    public init(ttl: Int64, cap: Int) {
        self.ttl = ttl
        self.cap = max(16, cap)
    }

    /// The number of live keys.
    public var count: Int { entries.count }

    /// Updates a key's state (created by `make` when absent) at event time `time`.
    public mutating func update<T>(
        _ key: Key,
        at time: Int64,
        orInsert make: @autoclosure () -> State,
        _ body: (inout State) -> T
    ) -> T {
        operations += 1
        if operations >= nextSweep {
            expire(before: time - ttl)
            nextSweep = operations + max(4096, entries.count * 4)
        }
        let result = Self.touch(&entries[key, default: Entry(state: make(), touched: time)], at: time, body)
        if entries.count > cap { shed() }
        return result
    }

    private static func touch<T>(
        _ entry: inout Entry,
        at time: Int64,
        _ body: (inout State) -> T
    ) -> T {
        entry.touched = max(entry.touched, time)
        return body(&entry.state)
    }

    /// The state of a key, if live.
    public func state(_ key: Key) -> State? { entries[key]?.state }

    /// Calls `body` with every live key and its state, in no order.
    public func visit(_ body: (Key, State) -> Void) {
        for (key, entry) in entries { body(key, entry.state) }
    }

    /// Drops keys untouched since `time`.
    public mutating func expire(before time: Int64) {
        let stale = entries.compactMap { $0.value.touched < time ? $0.key : nil }
        for key in stale { entries.removeValue(forKey: key) }
    }

    /// Drops the least recently touched keys down to 90 % of the cap. Finds the cut-off time by selection
    /// over the touched times alone (linear, where sorting a table at the cap every tenth of it was a tenth
    /// of detection's time at 400k subscribers), then drops the keys older than it and, of those touched at
    /// it, as many as still needed.
    private mutating func shed() {
        let excess = entries.count - cap * 9 / 10
        guard excess > 0 else { return }
        var times = entries.values.map { $0.touched }
        let cutoff = Self.select(&times, rank: excess - 1)
        var older: [Key] = []
        var atCutoff: [Key] = []
        older.reserveCapacity(excess)
        for (key, entry) in entries {
            if entry.touched < cutoff {
                older.append(key)
            } else if entry.touched == cutoff && older.count + atCutoff.count < excess {
                atCutoff.append(key)
            }
        }
        for key in older { entries[key] = nil }
        for key in atCutoff.prefix(excess - older.count) { entries[key] = nil }
        capEvictions += Int64(excess)
    }

    /// The value of rank `rank` (0-based) in `values` were they sorted; reorders `values` (quickselect with
    /// a median-of-three pivot).
    static func select(_ values: inout [Int64], rank: Int) -> Int64 {
        var low = 0
        var high = values.count - 1
        while low < high {
            let middle = low + (high - low) / 2
            let pivot = max(min(values[low], values[middle]), min(max(values[low], values[middle]), values[high]))
            var left = low
            var right = high
            while left <= right {
                while values[left] < pivot { left += 1 }
                while values[right] > pivot { right -= 1 }
                if left <= right {
                    values.swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            if rank <= right {
                high = right
            } else if rank >= left {
                low = left
            } else {
                return values[rank]
            }
        }
        return values[rank]
    }
}
