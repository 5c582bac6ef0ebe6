import Synchronization
import Testing

@testable import CDRPostgres

@Suite("The analysis gate")
struct AnalysisGateTests {
    @Test("width 1: the second analysis waits until the first leaves, and waiters go in arrival order")
    func oneAtATime() async throws {
        let gate = AnalysisGate(width: 1)
        let order = Arrivals()
        await gate.enter()
        var waiters: [Task<Void, Never>] = []
        for index in 1...3 {
            waiters.append(
                Task {
                    await gate.enter()
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
