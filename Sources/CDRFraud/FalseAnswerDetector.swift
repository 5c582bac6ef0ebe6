import CDRModel

/// D11, false answer supervision and short-stopping, per route (egress trunk × destination country): a
/// carrier that answers calls itself, at once, instead of completing them. Once the route carried at least
/// `minAttempts` calls (default 50) in the window, the main measure is the share of its answered calls
/// answered within `maxAnswerSeconds` (default 1); such instant answers must reach at least `minDistinct`
/// different numbers (default 10), so one IVR that answers at once is not a route. An answered call to a
/// number written `+CC 0…` (a national trunk prefix inside an international number, invalid outside
/// Italy) is critical at once. Subject: `route:<egress>/<country>`.
final class FalseAnswerDetector: KeyedDetector<String, FalseAnswerDetector.State>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var minAttempts = rule.param("minAttempts")
    private lazy var maxAnswer = Int64(rule.param("maxAnswerSeconds"))
    private lazy var minDistinct = Int(rule.param("minDistinct"))

    struct State: Sendable {
        var tally: Tally
        var attempts: SlidingCounter
        var answered: SlidingCounter
        var targets: RecentDistinct<String>
    }

    /// Country codes whose numbers do start with 0 after the code (Italy, San Marino, Vatican).
    private static let zeroAllowed: Set<String> = ["IT", "SM", "VA"]

    /// The records it looks at.
    var interest: RecordTraits { [.dialsAbroad] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        let egress = record.call.egress
        guard record.dialsAbroad, !egress.isEmpty, filter.matches(record) else { return }
        let now = record.call.start
        let country = record.destination.country
        let invalid = record.answered && Self.hasTrunkZero(record.call.dialled) && !Self.zeroAllowed.contains(country)
        state.update(
            egress + "/" + country,
            at: now,
            orInsert: State(
                tally: Tally(window: rule.window),
                attempts: SlidingCounter(window: rule.window),
                answered: SlidingCounter(window: rule.window),
                targets: RecentDistinct(capacity: minDistinct)
            )
        ) { state in
            state.attempts.add(at: now)
            if let answer = record.call.answer {
                state.answered.add(at: now)
                if answer - record.call.start <= maxAnswer || invalid {
                    state.tally.note(record)
                    state.targets.add(record.call.dialled, at: now)
                }
            }
            let attempts = Double(state.attempts.count)
            let share = Double(state.tally.counter.count) / Double(max(1, state.answered.count))
            let distinct = state.targets.count(now: now, window: rule.window)
            guard invalid || (attempts >= minAttempts && distinct >= minDistinct) else { return }
            emitIfDue(
                rule: rule,
                detector: DetectorKind.falseAnswer.rawValue,
                subject: "route:\(egress)/\(country)",
                value: share,
                measures: [
                    Measure(name: "instant_answer_share", value: share, warn: rule.warn, critical: rule.critical),
                    Measure(name: "attempts", value: attempts, warn: minAttempts, critical: minAttempts),
                ],
                tally: &state.tally,
                now: now,
                summary: { _ in
                    invalid
                        ? "route \(egress) answered a call to \(record.call.dialled), which cannot exist: false answer"
                        : "route \(egress) to \(country) answered \(Int(share * 100)) % of its answered calls within \(maxAnswer) s (\(Int(attempts)) attempts in \(rule.windowMinutes) min)"
                },
                emit: emit,
                forced: invalid ? .critical : nil
            )
        }
    }

    /// True when the digit after the country code is 0.
    private static func hasTrunkZero(_ number: String) -> Bool {
        let digits = Array(number.utf8.dropFirst())
        guard let code = CountryCodes.resolve(digits)?.code else { return false }
        let length = CountryCodes.length(of: code)
        return digits.count > length && digits[length] == UInt8(ascii: "0")
    }
}
