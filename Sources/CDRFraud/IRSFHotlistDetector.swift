import CDRModel

/// D01, IRSF hotlist: calls to IPRN test numbers (critical at once) and to high-risk ranges (warn and
/// critical by calls in the window, critical also by answered minutes, param `criticalMinutes`, default
/// 10). Subject: the party that pays the call — the diverting number for a diverted leg, else the caller.
final class IRSFHotlistDetector: KeyedDetector<String, Tally>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var criticalMinutes = rule.param("criticalMinutes")

    /// The records it looks at.
    var interest: RecordTraits { [.listed] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard let range = record.listed, range.category == .test || range.category == .hrn,
            filter.matches(record)
        else { return }
        let now = record.call.start
        let payer = record.call.diverting.first.flatMap { $0.isEmpty ? nil : $0 } ?? record.call.calling
        state.update(payer, at: now, orInsert: Tally(window: rule.window)) { tally in
            tally.note(record, value: Double(record.call.billable) / 60)
            let calls = Double(tally.counter.count)
            let minutes = tally.counter.sum
            let isTest = range.category == .test
            emitIfDue(
                rule: rule,
                detector: DetectorKind.irsfHotlist.rawValue,
                subject: payer,
                value: calls,
                measures: [
                    Measure(name: "calls_to_listed_ranges", value: calls, warn: rule.warn, critical: rule.critical),
                    Measure(name: "answered_minutes", value: minutes, warn: 0, critical: criticalMinutes),
                ],
                tally: &tally,
                now: now,
                summary: { _ in
                    isTest
                        ? "call to an IPRN test number in \(range.prefix): a fraudster checking the route before an attack"
                        : "\(Int(calls)) calls (\(Int(minutes)) answered min) to high-risk range \(range.prefix) in \(rule.windowMinutes) min"
                },
                emit: emit,
                forced: isTest || minutes >= criticalMinutes ? .critical : nil
            )
        }
    }
}
