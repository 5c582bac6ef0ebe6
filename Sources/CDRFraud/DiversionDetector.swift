import CDRModel

/// D08, call-diversion abuse: a diverting number (C) whose diverted legs go to high-risk or premium ranges
/// (critical at the first) or abroad (warn and critical by legs in the window). Subject: the diverting
/// number.
final class DiversionDetector: KeyedDetector<String, Tally>, Detector {
    /// The records it looks at.
    var interest: RecordTraits { [.diverted] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard let diverter = record.call.diverting.first, !diverter.isEmpty else { return }
        let listed = record.listed
        let risky =
            listed.map { $0.category == .hrn || $0.category == .test || $0.category == .premium } ?? false
            || record.destination.type == .premium
        guard risky || record.dialsAbroad, filter.matches(record) else { return }
        let now = record.call.start
        state.update(diverter, at: now, orInsert: Tally(window: rule.window)) { tally in
            tally.note(record, value: Double(record.call.billable) / 60)
            let legs = Double(tally.counter.count)
            let minutes = tally.counter.sum
            emitIfDue(
                rule: rule,
                detector: DetectorKind.diversion.rawValue,
                subject: diverter,
                value: legs,
                measures: [
                    Measure(name: "diverted_legs", value: legs, warn: rule.warn, critical: rule.critical),
                    Measure(name: "diverted_minutes", value: minutes, warn: 30, critical: 30),
                ],
                tally: &tally,
                now: now,
                summary: { _ in
                    risky
                        ? "calls diverted to a high-risk or premium range"
                        : "\(Int(legs)) calls diverted abroad in \(rule.windowMinutes) min"
                },
                emit: emit,
                forced: risky ? .critical : nil
            )
        }
    }
}
