import CDRStorage
import Synchronization

/// Lets `width` analyses run at once and queues the rest in arrival order, as the analysis lane's threads
/// do: run one after another, each finishes sooner than if all of them shared the connections by turns.
/// Beyond `maxWaiting` queued, an analysis is refused at once.
final class AnalysisGate: Sendable {
    private struct State {
        var free: Int
        var waiting: [CheckedContinuation<Void, any Error>] = []
    }

    private let state: Mutex<State>
    private let maxWaiting: Int

    init(width: Int, maxWaiting: Int = .max) {
        state = Mutex(State(free: max(1, width)))
        self.maxWaiting = max(0, maxWaiting)
    }

    /// Waits for a free place; throws ``ServingRefusal/saturated`` when the queue is full.
    func enter() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let admitted: Bool? = state.withLock { state in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                guard state.waiting.count < maxWaiting else { return nil }
                state.waiting.append(continuation)
                return false
            }
            switch admitted {
            case true: continuation.resume()
            case nil: continuation.resume(throwing: ServingRefusal.saturated)
            default: break
            }
        }
    }

    /// Gives the place to the oldest waiter, or frees it.
    func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
