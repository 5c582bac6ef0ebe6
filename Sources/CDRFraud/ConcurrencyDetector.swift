import CDRModel

/// D13, simultaneous calls: calls of one calling number whose [start, end) intervals overlap. Main measure:
/// calls in progress when a call starts. Subject: the calling number. The window only bounds how long a
/// quiet subject's state is kept.
final class ConcurrencyDetector: Detector {
    struct State: Sendable {
        var tally: Tally
        var calls: [(start: Int64, end: Int64)] = []
    }

    let rule: FraudRule
    private let filter: CallFilter
    private var state: KeyedState<String, State>

    init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        self.rule = rule
        self.filter = filter
        state = KeyedState(ttl: rule.window + 6 * 3600, cap: context.keyCap)
    }

    var liveKeys: Int { state.count }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard !record.call.calling.isEmpty, filter.matches(record) else { return }
        let rule = rule
        let now = record.call.start
        state.update(
            record.call.calling,
            at: now,
            orInsert: State(tally: Tally(window: rule.window, buckets: 1))
        ) { state in
            state.calls.removeAll { $0.end <= now || $0.start > now }
            state.calls.append((now, max(record.call.end, now + 1)))
            if state.calls.count > Int(rule.critical) * 4 { state.calls.removeFirst() }
            state.tally.note(record)
            let concurrent = Double(state.calls.count)
            emitIfDue(
                rule: rule,
                detector: "concurrency",
                subject: record.call.calling,
                value: concurrent,
                measures: [
                    Measure(name: "concurrent_calls", value: concurrent, warn: rule.warn, critical: rule.critical)
                ],
                tally: &state.tally,
                now: now,
                summary: { _ in "\(Int(concurrent)) calls at once from one number" },
                emit: emit
            )
        }
    }
}
