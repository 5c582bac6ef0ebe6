import CDRStorage
import Synchronization
import Testing

@testable import CDRPostgres

@Suite("The analysis gate")
struct AnalysisGateTests {
    @Test("width 1: the second analysis waits until the first leaves, and waiters go in arrival order")
    func oneAtATime() async throws {
        let gate = AnalysisGate(width: 1)
        let order = Arrivals()
        try await gate.enter()
        var waiters: [Task<Void, Never>] = []
        for index in 1...3 {
            waiters.append(
                Task {
                    try? await gate.enter()
                    order.list.withLock { $0.append(index) }
                    gate.leave()
                }
            )
            try await Task.sleep(for: .milliseconds(50))
        }
        let early = order.list.withLock { $0 }
        #expect(early.isEmpty, "an analysis entered while the gate was full")
        gate.leave()
        for waiter in waiters { await waiter.value }
        let late = order.list.withLock { $0 }
        #expect(late == [1, 2, 3])
    }
}

/// The order in which tasks got through.
final class Arrivals: Sendable {
    let list = Mutex<[Int]>([])
}

extension AnalysisGateTests {
    @Test("beyond maxWaiting queued, an analysis is refused at once, and the queue takes one again when it moves")
    func refusedWhenFull() async throws {
        let gate = AnalysisGate(width: 1, maxWaiting: 1)
        try await gate.enter()
        let waiter = Task { try await gate.enter() }
        try await Task.sleep(for: .milliseconds(100))
        await #expect(throws: ServingRefusal.saturated) { try await gate.enter() }
        gate.leave()
        try await waiter.value
        gate.leave()
        try await gate.enter()
        gate.leave()
    }
}
