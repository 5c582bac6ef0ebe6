/// Per-key detector state with event-time expiry and a hard cap on keys, so memory stays bounded
/// whatever the input: a key untouched for `ttl` seconds of event time is dropped, and beyond `cap` keys
/// the least recently touched goes.
///
/// Keys are kept in order of their last touch (a list threaded through an array of slots), so the next
/// key to drop is always at the list's old end: a touch, an eviction and an expiry each cost O(1), where
/// selecting a cut-off over the whole table at the cap was a fifth of detection's time at 400k
/// subscribers. Records reach detectors in start order, so the list is in order of event time; a late
/// record leaves its key where it is, and a periodic sweep finds what a jump back in time left behind.
public struct KeyedState<Key: Hashable & Sendable, State: Sendable>: Sendable {
    private struct Slot {
        var key: Key
        /// Nil once the key is dropped, so what the state holds is freed before the slot is reused.
        var state: State?
        var touched: Int64
        /// The slot touched just before this one, or -1.
        var older: Int32
        /// The slot touched just after this one, or -1.
        var newer: Int32
    }

    private var index: [Key: Int32] = [:]
    private var slots: [Slot] = []
    private var free: [Int32] = []
    private var newest: Int32 = -1
    private var oldest: Int32 = -1
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
    public var count: Int { index.count }

    /// Updates a key's state (created by `make` when absent) at event time `time`.
    public mutating func update<T>(
        _ key: Key,
        at time: Int64,
        orInsert make: @autoclosure () -> State,
        _ body: (inout State) -> T
    ) -> T {
        expire(before: time - ttl)
        operations += 1
        if operations >= nextSweep {
            sweep(before: time - ttl)
            nextSweep = operations + max(4096, index.count * 4)
        }
        let slot: Int32
        if let found = index[key] {
            slot = found
            let touched = max(slots[Int(slot)].touched, time)
            slots[Int(slot)].touched = touched
            if slot != newest && touched >= slots[Int(newest)].touched {
                unlink(slot)
                linkNewest(slot)
            }
        } else {
            if index.count >= cap {
                drop(oldest)
                capEvictions += 1
            }
            slot = place(Slot(key: key, state: make(), touched: time, older: -1, newer: -1))
            index[key] = slot
            linkNewest(slot)
        }
        return body(&slots[Int(slot)].state!)
    }

    /// The state of a key, if live.
    public func state(_ key: Key) -> State? { index[key].flatMap { slots[Int($0)].state } }

    /// Calls `body` with every live key and its state, most recently touched first.
    public func visit(_ body: (Key, State) -> Void) {
        var slot = newest
        while slot >= 0 {
            if let state = slots[Int(slot)].state { body(slots[Int(slot)].key, state) }
            slot = slots[Int(slot)].older
        }
    }

    /// Drops every key whose state `shouldDrop` picks.
    public mutating func removeAll(where shouldDrop: (State) -> Bool) {
        dropAll { $0.state.map(shouldDrop) ?? false }
    }

    /// Drops keys untouched since `time`, from the old end of the list.
    public mutating func expire(before time: Int64) {
        while oldest >= 0 && slots[Int(oldest)].touched < time { drop(oldest) }
    }

    /// Drops keys untouched since `time` wherever they are in the list: when a later file goes back in
    /// event time, keys it touches sit behind keys an earlier file touched later, and ``expire(before:)``
    /// stops at those. Run after every four table sizes of updates, so it costs little per update.
    private mutating func sweep(before time: Int64) {
        dropAll { $0.touched < time }
    }

    /// Drops every live slot `shouldDrop` picks, walking the list from its old end.
    private mutating func dropAll(where shouldDrop: (Slot) -> Bool) {
        var slot = oldest
        while slot >= 0 {
            let newer = slots[Int(slot)].newer
            if shouldDrop(slots[Int(slot)]) { drop(slot) }
            slot = newer
        }
    }

    /// Stores `entry` in a free slot, or a new one.
    private mutating func place(_ entry: Slot) -> Int32 {
        if let reused = free.popLast() {
            slots[Int(reused)] = entry
            return reused
        }
        slots.append(entry)
        return Int32(slots.count - 1)
    }

    /// Removes a live slot's key; the slot is reused by the next new key.
    private mutating func drop(_ slot: Int32) {
        unlink(slot)
        index[slots[Int(slot)].key] = nil
        slots[Int(slot)].state = nil
        free.append(slot)
    }

    /// Takes a slot out of the list.
    private mutating func unlink(_ slot: Int32) {
        let older = slots[Int(slot)].older
        let newer = slots[Int(slot)].newer
        if older >= 0 { slots[Int(older)].newer = newer } else { oldest = newer }
        if newer >= 0 { slots[Int(newer)].older = older } else { newest = older }
        slots[Int(slot)].older = -1
        slots[Int(slot)].newer = -1
    }

    /// Puts a slot at the new end of the list.
    private mutating func linkNewest(_ slot: Int32) {
        slots[Int(slot)].older = newest
        slots[Int(slot)].newer = -1
        if newest >= 0 { slots[Int(newest)].newer = slot } else { oldest = slot }
        newest = slot
    }
}
