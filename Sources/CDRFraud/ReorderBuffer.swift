import CDRModel

/// The engine's reorder buffer: stored calls waiting for the watermark, released in (start, id) order.
///
/// Calls sit in a slot array reused through a free list; the binary min-heap orders plain
/// (start, id, slot) entries, so sifting copies a few integers and never retains or releases.
struct ReorderBuffer {
    /// A stored call handed back in start order.
    struct Pending {
        let id: Int64
        let source: Int64
        let call: CallRecord
    }

    private struct Entry {
        var start: Int64
        var id: Int64
        var slot: Int32

        func precedes(_ other: Entry) -> Bool { (start, id) < (other.start, other.id) }
    }

    private var heap: [Entry] = []
    private var slots: [(source: Int64, call: CallRecord)?] = []
    private var free: [Int32] = []

    /// The earliest buffered start.
    var peekStart: Int64? { heap.first?.start }

    /// Calls buffered.
    var count: Int { heap.count }

    /// Buffers a call.
    mutating func push(id: Int64, source: Int64, call: CallRecord) {
        let slot: Int32
        if let reused = free.popLast() {
            slot = reused
            slots[Int(slot)] = (source, call)
        } else {
            slot = Int32(slots.count)
            slots.append((source, call))
        }
        heap.append(Entry(start: call.start, id: id, slot: slot))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Takes the earliest call.
    mutating func pop() -> Pending? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = parent * 2 + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count && heap[right].precedes(heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        guard let (source, call) = slots[Int(top.slot)].take() else { return nil }
        free.append(top.slot)
        return Pending(id: top.id, source: source, call: call)
    }

    /// Drops the buffered calls of one source.
    mutating func removeAll(source: Int64) {
        var kept: [Pending] = []
        while let next = pop() {
            if next.source != source { kept.append(next) }
        }
        slots = []
        free = []
        for item in kept { push(id: item.id, source: item.source, call: item.call) }
    }
}
