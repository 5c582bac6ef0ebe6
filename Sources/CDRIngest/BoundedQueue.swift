import Foundation

/// A blocking first-in-first-out queue of bounded length between the parsing thread and the writing
/// thread; closing it wakes both sides.
///
/// `@unchecked Sendable` is sound: every stored property is read and written only while `condition`
/// is locked.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Appends, waiting while full; false when the queue was closed (the consumer gave up).
    func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Removes the oldest element, waiting while empty; nil once closed and drained.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Closes the queue; pending elements can still be popped.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
