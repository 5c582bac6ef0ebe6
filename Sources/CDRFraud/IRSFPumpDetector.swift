import CDRModel

/// D03, IRSF pumping: many different callers reaching one international number range (the country code
/// and the next `rangeDigits` digits, default 5) with long answered calls — traffic pumped into a range
/// whose revenue is shared with the fraudster. Main measure: distinct callers among answered calls to the
/// range in the window; fires only while their average call lasts at least `minACD` seconds (default 300).
/// Subject: `range:+<prefix>`.
final class IRSFPumpDetector: KeyedDetector<String, IRSFPumpDetector.State>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var minACD = rule.param("minACD", 300)

    struct State: Sendable {
        var tally: Tally
        var callers: RecentDistinct<String>
    }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard record.answered, record.dialsAbroad, !record.call.calling.isEmpty, filter.matches(record) else {
            return
        }
        let dialled = Array(record.call.dialled.utf8.dropFirst())
        guard let code = CountryCodes.resolve(dialled)?.code else { return }
        let prefixLength = String(code).utf8.count + Int(rule.param("rangeDigits", 5))
        guard dialled.count > prefixLength else { return }
        let range = "+" + String(decoding: dialled.prefix(prefixLength), as: UTF8.self)
        let now = record.call.start
        state.update(
            range,
            at: now,
            orInsert: State(tally: Tally(window: rule.window), callers: RecentDistinct(capacity: Int(rule.critical)))
        ) { state in
            state.tally.note(record, value: Double(record.call.billable))
            state.callers.add(record.call.calling, at: now)
            let callers = Double(state.callers.count(now: now, window: rule.window))
            let acd = state.tally.counter.sum / Double(max(1, state.tally.counter.count))
            guard acd >= minACD else { return }
            emitIfDue(
                rule: rule,
                detector: "irsf-pump",
                subject: "range:" + range,
                value: callers,
                measures: [
                    Measure(name: "distinct_callers", value: callers, warn: rule.warn, critical: rule.critical),
                    Measure(name: "acd_seconds", value: acd, warn: minACD, critical: minACD),
                ],
                tally: &state.tally,
                now: now,
                summary: { _ in
                    "\(Int(callers)) callers reached \(range) in \(rule.windowMinutes) min, average call \(Int(acd)) s: traffic pumped into one range"
                },
                emit: emit
            )
        }
    }
}
