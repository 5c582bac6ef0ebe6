import CDRModel

/// D09, premium-rate abuse: one caller's calls to domestic premium ranges (or listed premium ranges) in
/// the window (default 24 h); also a warning at `warnMinutes` (default 60) answered minutes over two or
/// more calls (one long call is not a pattern). Subject: the calling number.
final class PremiumRateDetector: KeyedDetector<Int64, Tally>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var warnMinutes = rule.param("warnMinutes")

    /// The records it looks at.
    var interest: RecordTraits { [.premium, .listed] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        let listed = record.listed?.category == .premium
        guard (record.destination.type == .premium && !record.dialsAbroad) || listed, filter.matches(record) else {
            return
        }
        let now = record.call.start
        state.update(record.callingKey, at: now, orInsert: Tally(window: rule.window)) { tally in
            tally.note(record, value: Double(record.call.billable) / 60)
            let calls = Double(tally.counter.count)
            let minutes = tally.counter.sum
            emitIfDue(
                rule: rule,
                detector: DetectorKind.premium.rawValue,
                subject: record.call.calling,
                value: calls,
                measures: [
                    Measure(name: "premium_calls", value: calls, warn: rule.warn, critical: rule.critical),
                    Measure(name: "premium_minutes", value: minutes, warn: warnMinutes, critical: warnMinutes * 3),
                ],
                tally: &tally,
                now: now,
                summary: { _ in "\(Int(calls)) premium-rate calls, \(Int(minutes)) min, in \(rule.windowMinutes / 60) h"
                },
                emit: emit,
                forced: calls < rule.warn && calls >= 2 && minutes >= warnMinutes
                    ? (minutes >= warnMinutes * 3 ? .critical : .warning) : nil
            )
        }
    }
}
