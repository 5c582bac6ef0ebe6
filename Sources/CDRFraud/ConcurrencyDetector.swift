import CDRModel

/// D13, simultaneous calls: calls of one calling number whose [start, end) intervals overlap. Main measure:
/// calls in progress when a call starts. Subject: the calling number. A caller's state lives for
/// `maxCallHours` (default 4) after its last call started.
final class ConcurrencyDetector: Detector {
    /// The calls in progress (start, end, record id) and the snooze bookkeeping: a few dozen bytes per
    /// caller with a call under way.
    struct State: Sendable {
        var calls: [(start: Int64, end: Int64, id: Int64)] = []
        var lastEmitted: [Severity: Int64] = [:]
    }

    let rule: FraudRule
    private let filter: CallFilter
    private var state: KeyedState<String, State>

    init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        self.rule = rule
        self.filter = filter
        state = KeyedState(ttl: Int64(rule.param("maxCallHours", 4) * 3600), cap: context.keyCap)
    }

    var liveKeys: Int { state.count }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard !record.call.calling.isEmpty, filter.matches(record) else { return }
        let rule = rule
        let now = record.call.start
        state.update(record.call.calling, at: now, orInsert: State()) { state in
            state.calls.removeAll { $0.end <= now || $0.start > now }
            state.calls.append((now, max(record.call.end, now + 1), record.id))
            if state.calls.count > Int(rule.critical) * 4 { state.calls.removeFirst() }
            let concurrent = Double(state.calls.count)
            guard concurrent >= rule.warn else { return }
            var tally = Tally(window: rule.window, buckets: 1)
            tally.lastEmitted = state.lastEmitted
            for call in state.calls.suffix(Alert.evidenceLimit) {
                tally.evidence.append(call.id)
                tally.times.append(call.start)
            }
            emitIfDue(
                rule: rule,
                detector: "concurrency",
                subject: record.call.calling,
                value: concurrent,
                measures: [
                    Measure(name: "concurrent_calls", value: concurrent, warn: rule.warn, critical: rule.critical)
                ],
                tally: &tally,
                now: now,
                summary: { _ in "\(Int(concurrent)) calls at once from one number" },
                emit: emit
            )
            state.lastEmitted = tally.lastEmitted
        }
    }
}
