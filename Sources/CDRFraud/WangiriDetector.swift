import CDRModel

/// D04, Wangiri: an international calling number ringing many different subscribers briefly, almost never
/// answered. Main measure: distinct dialled numbers in the window among its short unanswered calls; fires
/// only while the answered share stays at or below `maxAnsweredShare` (default 0.1); a call counts as a
/// ring when it rang at most `maxRingSeconds` (default 6). Subject: the calling number.
final class WangiriDetector: KeyedDetector<Int64, WangiriDetector.State>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var maxRing = Int64(rule.param("maxRingSeconds"))
    private lazy var maxShare = rule.param("maxAnsweredShare")

    struct State: Sendable {
        var tally: Tally
        var targets: RecentDistinct<String>
        var answered: SlidingCounter
        var all: SlidingCounter
    }

    /// The records it looks at.
    var interest: RecordTraits { [.fromAbroad] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard record.callsFromAbroad, filter.matches(record) else { return }
        let now = record.call.start
        let capacity = Int(rule.critical)
        state.update(
            record.callingKey,
            at: now,
            orInsert: State(
                tally: Tally(window: rule.window),
                targets: RecentDistinct(capacity: capacity),
                answered: SlidingCounter(window: rule.window),
                all: SlidingCounter(window: rule.window)
            )
        ) { state in
            state.all.add(at: now)
            if record.answered && record.call.billable > 2 { state.answered.add(at: now) }
            guard (!record.answered || record.call.billable <= 2) && record.ringSeconds <= maxRing else { return }
            state.tally.note(record)
            state.targets.add(record.call.dialled, at: now)
            let distinct = Double(state.targets.count(now: now, window: rule.window))
            let share = Double(state.answered.count) / Double(max(1, state.all.count))
            guard share <= maxShare else { return }
            emitIfDue(
                rule: rule,
                detector: DetectorKind.wangiri.rawValue,
                subject: record.call.calling,
                value: distinct,
                measures: [
                    Measure(name: "distinct_dialled", value: distinct, warn: rule.warn, critical: rule.critical),
                    Measure(name: "answered_share", value: share, warn: maxShare, critical: maxShare),
                ],
                tally: &state.tally,
                now: now,
                summary: { _ in
                    "\(Int(distinct)) subscribers rung for at most \(maxRing) s from \(record.origin.country) in \(rule.windowMinutes) min; callbacks will be charged"
                },
                emit: emit
            )
        }
    }
}
