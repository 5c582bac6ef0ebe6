import CDRModel

/// D02, IRSF burst: an account (or, without one, a calling number) suddenly calling risk-scored ranges
/// (listed `test`, `hrn`, `satellite` or `risk`) or a country it has not called in `newCountryDays`
/// (default 90). Main measure: such calls in the window; also critical at `criticalMinutes` (default 60)
/// answered minutes over at least `minCalls` (default 3) calls, so one ordinary long call to a new country
/// is not fraud. The count must also reach `peakFactor` (default 3) times the subject's usual busiest
/// window of such calls. A subject's countries are known only after `warmUpDays` (default 7) of data.
/// Subject: `acct:<code>`, else the calling number.
///
/// Every subject keeps a compact entry (its countries as a short list, its usual peak); the window's tally
/// and evidence live in a second table, only for subjects whose calls go to risky or new destinations.
final class IRSFBurstDetector: KeyedDetector<Int64, IRSFBurstDetector.State>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var warmUp = Int64(rule.param("warmUpDays") * 86_400)
    private lazy var period = Int64(rule.param("newCountryDays") * 86_400)
    private lazy var criticalMinutes = rule.param("criticalMinutes")
    private lazy var factor = rule.param("peakFactor")
    private lazy var minCalls = rule.param("minCalls")

    /// A country the subject called: when first in the current period and when last.
    struct Country: Sendable {
        var region: String
        var first: Int64
        var last: Int64
    }

    struct State: Sendable {
        var firstSeen: Int64
        var countries: [Country] = []
        var day: Int64 = 0
        var dayPeak: Double = 0
        var usualPeak: Double = 0
    }

    private var origin: Int64?
    private var tallies: KeyedState<Int64, Tally>
    private static let maxCountries = 48

    override init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        tallies = KeyedState(ttl: rule.window + rule.snooze, cap: context.keyCap)
        super.init(rule: rule, filter: filter, context: context)
        state = KeyedState(ttl: Int64(rule.param("newCountryDays") * 86_400), cap: context.keyCap)
    }

    override var liveKeys: Int { state.count + tallies.count }

    /// The records it looks at.
    var interest: RecordTraits { [.dialsAbroad, .listed] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard record.dialsAbroad || record.listed != nil, filter.matches(record) else { return }
        let now = record.call.start
        let start = origin ?? now
        origin = start
        let account = record.call.account
        guard !account.isEmpty || !record.call.calling.isEmpty else { return }
        let key = account.isEmpty ? record.callingKey : SubjectKey.account(account)
        let country = record.destination.country
        let listed = record.listed.map { $0.category != .premium } ?? false
        let due = state.update(key, at: now, orInsert: State(firstSeen: now)) { state -> Double? in
            var isNew = false
            if !country.isEmpty {
                let known = state.countries.firstIndex { $0.region == country }
                if let index = known, now - state.countries[index].last < period {
                    state.countries[index].last = max(state.countries[index].last, now)
                    let first = state.countries[index].first
                    isNew = state.firstSeen + warmUp <= first && now - first < rule.window
                } else {
                    let fresh = Country(region: country, first: now, last: now)
                    if let index = known { state.countries[index] = fresh } else { state.countries.append(fresh) }
                    isNew = state.firstSeen + warmUp <= now
                    if state.countries.count > Self.maxCountries,
                        let oldest = state.countries.indices.min(by: {
                            state.countries[$0].last < state.countries[$1].last
                        })
                    {
                        state.countries.remove(at: oldest)
                    }
                }
            }
            guard isNew || listed else { return nil }
            let day = CallRecord.dayOf(now)
            if day != state.day {
                state.usualPeak = max(state.usualPeak * 0.9, state.dayPeak)
                state.day = day
                state.dayPeak = 0
            }
            return state.usualPeak
        }
        guard let usual = due else { return }
        let subject = account.isEmpty ? record.call.calling : "acct:" + account
        let calls = tallies.update(key, at: now, orInsert: Tally(window: rule.window)) { tally -> Double in
            tally.note(record, value: Double(record.call.billable) / 60)
            let calls = Double(tally.counter.count)
            let minutes = tally.counter.sum
            let floor = factor * usual
            let byMinutes = minutes >= criticalMinutes && calls >= minCalls
            guard calls >= floor || byMinutes else { return calls }
            emitIfDue(
                rule: rule,
                detector: DetectorKind.irsfBurst.rawValue,
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
                tally: &tally,
                now: now,
                summary: { _ in
                    "\(Int(calls)) calls (\(Int(minutes)) answered min) to risk-scored ranges or countries new for \(subject) in \(rule.windowMinutes) min"
                },
                emit: emit,
                forced: byMinutes ? .critical : nil
            )
            return calls
        }
        state.update(key, at: now, orInsert: State(firstSeen: now)) { $0.dayPeak = max($0.dayPeak, calls) }
    }
}
