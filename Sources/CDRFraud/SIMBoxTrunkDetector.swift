import CDRModel

/// D07, bypass on VoIP trunks: calls arriving on an international ingress trunk (the rule's
/// `filter.carriers`) that present home-country calling numbers — international traffic dressed as
/// national to be terminated at the national rate. Main measure: distinct home-country calling numbers on
/// the trunk in the window (a few are roaming subscribers calling home). Subject: `trunk:<carrier>`.
final class SIMBoxTrunkDetector: KeyedDetector<String, SIMBoxTrunkDetector.State>, Detector {
    struct State: Sendable {
        var tally: Tally
        var callers: RecentDistinct<String>
    }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard record.origin.isE164, !record.callsFromAbroad, !record.call.carrier.isEmpty, filter.matches(record)
        else { return }
        let now = record.call.start
        let trunk = record.call.carrier
        state.update(
            trunk,
            at: now,
            orInsert: State(tally: Tally(window: rule.window), callers: RecentDistinct(capacity: Int(rule.critical)))
        ) { state in
            state.tally.note(record)
            state.callers.add(record.call.calling, at: now)
            let callers = Double(state.callers.count(now: now, window: rule.window))
            emitIfDue(
                rule: rule,
                detector: DetectorKind.simBoxTrunk.rawValue,
                subject: "trunk:" + trunk,
                value: callers,
                measures: [
                    Measure(
                        name: "home_callers_on_international_trunk",
                        value: callers,
                        warn: rule.warn,
                        critical: rule.critical
                    )
                ],
                tally: &state.tally,
                now: now,
                summary: { _ in
                    "\(Int(callers)) different home-country numbers called in over international trunk \(trunk) in \(rule.windowMinutes) min: bypass"
                },
                emit: emit
            )
        }
    }
}
