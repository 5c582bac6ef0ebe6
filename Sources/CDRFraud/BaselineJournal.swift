import CDRModel

/// The baselines a detector has learnt since they were last taken for the store, one per subject (later
/// values of the same subject merged in). Empty and inactive when detection runs without a store.
struct BaselineJournal: Sendable {
    private var pending: [String: SubjectBaseline] = [:]
    /// Whether anything is kept: only when a store will take it.
    let active: Bool

    init(active: Bool) { self.active = active }

    /// Notes what was learnt of one subject.
    mutating func note(_ baseline: SubjectBaseline) {
        guard active else { return }
        pending[baseline.key] = pending[baseline.key].map { $0.merged(with: baseline) } ?? baseline
    }

    /// Hands over and forgets what was noted, in chunks of at most `chunk` subjects, once it holds `chunk`
    /// subjects or, with `all`, whatever it holds.
    mutating func handOver(chunk: Int, all: Bool, _ hand: ([SubjectBaseline]) -> Void) {
        guard pending.count >= chunk || (all && !pending.isEmpty) else { return }
        let taken = take()
        for start in stride(from: 0, to: taken.count, by: chunk) {
            hand(Array(taken[start..<min(start + chunk, taken.count)]))
        }
    }

    /// Hands over and forgets what was noted.
    mutating func take() -> [SubjectBaseline] {
        guard !pending.isEmpty else { return [] }
        defer { pending = [:] }
        return Array(pending.values)
    }
}
