import CDRModel

/// D02, IRSF burst: an account (or, without one, a calling number) suddenly calling risk-scored ranges
/// (listed `test`, `hrn`, `satellite` or `risk`) or a country it has not called in `newCountryDays`
/// (default 90). Main measure: such calls in the window; also critical at `criticalMinutes` (default 60)
/// answered minutes. The count must also reach `peakFactor` (default 3) times the subject's usual busiest
/// window of such calls. A subject's countries are known only after `warmUpDays` (default 7) of data.
/// Subject: `acct:<code>`, else the calling number.
final class IRSFBurstDetector: KeyedDetector<String, IRSFBurstDetector.State>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var warmUp = Int64(rule.param("warmUpDays", 7) * 86_400)
    private lazy var period = Int64(rule.param("newCountryDays", 90) * 86_400)
    private lazy var criticalMinutes = rule.param("criticalMinutes", 60)
    private lazy var factor = rule.param("peakFactor", 3)

    struct State: Sendable {
        var firstSeen: Int64
        /// Country → when first called in the current period and when last called.
        var countries: [String: (first: Int64, last: Int64)] = [:]
        var tally: Tally?
        var lastRisky: Int64 = 0
        var day: Int64 = 0
        var dayPeak: Double = 0
        var usualPeak: Double = 0
        var lastEmitted = EmissionLog()
    }

    private var origin: Int64?
    private static let maxCountries = 48

    override init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        super.init(rule: rule, filter: filter, context: context)
        state = KeyedState(ttl: Int64(rule.param("newCountryDays", 90) * 86_400), cap: context.keyCap)
    }

    /// The records it looks at.
    var interest: RecordTraits { [.dialsAbroad, .listed] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard record.dialsAbroad || record.listed != nil, filter.matches(record) else { return }
        let now = record.call.start
        let start = origin ?? now
        origin = start
        let account = record.call.account
        let subject = account.isEmpty ? record.call.calling : "acct:" + account
        guard !subject.isEmpty else { return }
        let country = record.destination.country
        state.update(subject, at: now, orInsert: State(firstSeen: now)) { state in
            var isNew = false
            if !country.isEmpty {
                if let seen = state.countries[country], now - seen.last < period {
                    state.countries[country] = (seen.first, max(seen.last, now))
                    isNew = state.firstSeen + warmUp <= seen.first && now - seen.first < rule.window
                } else {
                    state.countries[country] = (now, now)
                    isNew = state.firstSeen + warmUp <= now
                    if state.countries.count > Self.maxCountries,
                        let oldest = state.countries.min(by: { $0.value.last < $1.value.last })?.key
                    {
                        state.countries[oldest] = nil
                    }
                }
            }
            let listed = record.listed.map { $0.category != .premium } ?? false
            guard isNew || listed else { return }
            if now - state.lastRisky > rule.window + rule.snooze { state.tally = nil }
            state.lastRisky = now
            let day = CallRecord.dayOf(now)
            if day != state.day {
                state.usualPeak = max(state.usualPeak * 0.9, state.dayPeak)
                state.day = day
                state.dayPeak = 0
            }
            if state.tally == nil {
                var fresh = Tally(window: rule.window)
                fresh.lastEmitted = state.lastEmitted
                state.tally = fresh
            }
            state.tally!.note(record, value: Double(record.call.billable) / 60)
            let calls = Double(state.tally!.counter.count)
            let minutes = state.tally!.counter.sum
            state.dayPeak = max(state.dayPeak, calls)
            let floor = factor * state.usualPeak
            guard calls >= floor || minutes >= criticalMinutes else { return }
            let usual = state.usualPeak
            emitIfDue(
                rule: rule,
                detector: "irsf-burst",
                subject: subject,
                value: calls,
                measures: [
                    Measure(
                        name: "calls_to_risky_or_new",
                        value: calls,
                        warn: max(rule.warn, floor),
                        critical: rule.critical
                    ),
                    Measure(name: "answered_minutes", value: minutes, warn: criticalMinutes, critical: criticalMinutes),
                    Measure(name: "usual_peak_calls", value: usual, warn: usual, critical: usual),
                ],
                tally: &state.tally!,
                now: now,
                summary: { _ in
                    "\(Int(calls)) calls (\(Int(minutes)) answered min) to risk-scored ranges or countries new for \(subject) in \(rule.windowMinutes) min"
                },
                emit: emit,
                forced: minutes >= criticalMinutes ? .critical : nil
            )
            state.lastEmitted = state.tally!.lastEmitted
        }
    }
}
