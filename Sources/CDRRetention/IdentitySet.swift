/// A set of 64-bit party identities (already uniformly distributed hashes), with open addressing and no
/// rehashing of its keys: several times faster than `Set<UInt64>` on the roll-up's hot path.
public struct IdentitySet: Sequence {
    private var slots: [UInt64]
    private var hasZero = false
    /// The number of identities held.
    public private(set) var count = 0

    /// Creates an empty set.
    public init() { slots = Array(repeating: 0, count: 8) }

    /// Adds an identity; true when it was new.
    @inline(__always)
    @discardableResult
    public mutating func insert(_ value: UInt64) -> Bool {
        if value == 0 {
            if hasZero { return false }
            hasZero = true
            count += 1
            return true
        }
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: value) & mask
        while true {
            let slot = slots[index]
            if slot == value { return false }
            if slot == 0 {
                slots[index] = value
                count += 1
                return true
            }
            index = (index + 1) & mask
        }
    }

    /// Adds every identity of another set.
    public mutating func formUnion(_ other: IdentitySet) {
        for value in other { insert(value) }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        count = hasZero ? 1 : 0
        for value in old where value != 0 { insert(value) }
    }

    /// Iterates the identities in no particular order.
    public func makeIterator() -> AnyIterator<UInt64> {
        var index = 0
        var zeroPending = hasZero
        let slots = slots
        return AnyIterator {
            if zeroPending {
                zeroPending = false
                return 0
            }
            while index < slots.count {
                defer { index += 1 }
                if slots[index] != 0 { return slots[index] }
            }
            return nil
        }
    }
}
