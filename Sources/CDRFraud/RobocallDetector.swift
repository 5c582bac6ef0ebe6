import CDRModel

/// D12, nuisance and robocall campaigns: one calling number making many attempts to almost always
/// different numbers (`minDistinctRatio`, default 0.9, over its last 100 calls) with a low answer rate
/// (`maxASR`, default 0.3) or short answered calls (`maxACD` seconds, default 30). Main measure: attempts
/// in the window. Subject: the calling number.
final class RobocallDetector: KeyedDetector<Int64, RobocallDetector.State>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var minRatio = rule.param("minDistinctRatio")
    private lazy var maxASR = rule.param("maxASR")
    private lazy var maxACD = rule.param("maxACD")

    /// Callers start with a coarse counter held inline; the detailed state lives in a second table, only
    /// for the few that reach half the warning threshold, so an ordinary caller's entry stays small.
    struct State: Sendable {
        var coarse: CoarseCounter
        var detailed = false
    }

    struct Detail: Sendable {
        var tally: Tally
        var answered: SlidingCounter
        var recent = RollingDistinct<Int64>(capacity: 100)
    }

    private var details: KeyedState<Int64, Detail>

    override init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        details = KeyedState(ttl: rule.window + rule.snooze, cap: context.keyCap)
        super.init(rule: rule, filter: filter, context: context)
    }

    override var liveKeys: Int { state.count + details.count }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard !record.call.calling.isEmpty, filter.matches(record) else { return }
        let now = record.call.start
        let key = record.callingKey
        let initial = State(coarse: CoarseCounter(window: rule.window))
        let attempts = state.update(key, at: now, orInsert: initial) { whole -> Int? in
            whole.coarse.add(at: now)
            if !whole.detailed {
                guard Double(whole.coarse.count) >= rule.warn / 2 else { return nil }
                whole.detailed = true
            }
            return whole.coarse.count
        }
        guard let attempts else { return }
        details.update(
            key,
            at: now,
            orInsert: Detail(tally: Tally(window: rule.window), answered: SlidingCounter(window: rule.window))
        ) { detail in
            observeInDetail(record, attempts: Double(attempts), rule: rule, state: &detail, emit: emit)
        }
    }

    private func observeInDetail(
        _ record: FraudRecord,
        attempts: Double,
        rule: FraudRule,
        state: inout Detail,
        emit: (Alert) -> Void
    ) {
        let now = record.call.start
        state.tally.note(record)
        if record.answered { state.answered.add(at: now, value: Double(record.call.billable)) }
        state.recent.add(SubjectKey.number(record.call.dialled))
        guard attempts >= rule.warn else { return }
        let ratio = Double(state.recent.distinct) / Double(state.recent.observed)
        let answered = Double(state.answered.count)
        let asr = answered / Double(max(1, state.tally.counter.count))
        let acd = answered > 0 ? state.answered.sum / answered : 0
        guard ratio >= minRatio, asr <= maxASR || acd <= maxACD else { return }
        emitIfDue(
            rule: rule,
            detector: DetectorKind.robocall.rawValue,
            subject: record.call.calling,
            value: attempts,
            measures: [
                Measure(name: "attempts", value: attempts, warn: rule.warn, critical: rule.critical),
                Measure(name: "distinct_dialled_ratio", value: ratio, warn: minRatio, critical: minRatio),
                Measure(name: "asr", value: asr, warn: maxASR, critical: maxASR),
                Measure(name: "acd_seconds", value: acd, warn: maxACD, critical: maxACD),
            ],
            tally: &state.tally,
            now: now,
            summary: { _ in
                "\(Int(attempts)) attempts in \(rule.windowMinutes) min to \(Int(ratio * 100)) % different numbers, ASR \(Int(asr * 100)) %"
            },
            emit: emit
        )
    }
}
