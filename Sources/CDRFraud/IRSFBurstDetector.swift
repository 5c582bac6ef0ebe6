import CDRModel

/// D02, IRSF burst: an account (or, without one, a calling number) suddenly calling risk-scored ranges
/// (listed `test`, `hrn`, `satellite` or `risk`) or a country it has not called in `newCountryDays`
/// (default 90). Main measure: such calls in the window; also critical at `criticalMinutes` (default 60)
/// answered minutes over at least `minCalls` (default 3) calls, so one ordinary long call to a new country
/// is not fraud. The count must also reach `peakFactor` (default 3) times the subject's usual busiest
/// window of such calls. A subject's countries are known only after `warmUpDays` (default 7) of data.
/// What an alerted window called teaches nothing: its new countries stay new and its count does not raise
/// the usual peak, so an account hacked once is not trusted to call the same country again days later.
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

    /// A country the subject called: when first in the current period and when last. 16 bytes: the country
    /// by its hash with the lowest bit saying whether an alert cited calls to it while it was new (a subject
    /// keeps at most 48, so two colliding in 63 bits is out of reach), the times in whole seconds since 1970
    /// as 32 bits (to 2106).
    struct Country: Sendable {
        private var tagged: Int64
        var first: UInt32
        var last: UInt32

        init(region: Int64, at now: Int64) {
            tagged = region & ~1
            first = UInt32(clamping: now)
            last = first
        }

        /// The country's hash, without the flag bit.
        var region: Int64 { tagged & ~1 }

        /// True when it became known only through calls an alert cited: not yet trusted as usual.
        var disputed: Bool {
            get { tagged & 1 == 1 }
            set { tagged = newValue ? tagged | 1 : tagged & ~1 }
        }

        /// The hash a country name is kept by.
        static func region(_ country: String) -> Int64 { Int64(country.hashValue) & ~1 }
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
    /// How many countries a subject keeps (the least recently called goes first).
    static let maxCountries = 48

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
            let isNew = state.note(country: country, at: now, period: period, warmUp: warmUp, window: rule.window)
            guard isNew || listed else { return nil }
            return state.rollDay(at: now)
        }
        guard let usual = due else { return }
        let subject = account.isEmpty ? record.call.calling : "acct:" + account
        let (calls, alerted) = tallies.update(key, at: now, orInsert: Tally(window: rule.window)) { tally in
            tally.note(record, value: Double(record.call.billable) / 60)
            let calls = judge(&tally, subject: subject, usual: usual, now: now, emit: emit)
            let recent = [tally.lastEmitted[.warning], tally.lastEmitted[.critical]].contains {
                $0.map { now - $0 < rule.window } ?? false
            }
            return (calls, recent)
        }
        let window = rule.window
        state.update(key, at: now, orInsert: State(firstSeen: now)) { state in
            if alerted {
                state.dispute(since: now - window)
                state.dayPeak = min(state.dayPeak, state.usualPeak)
            } else {
                state.dayPeak = max(state.dayPeak, calls)
            }
        }
    }

    /// Alerts when the window's calls to risky or new destinations reach `peakFactor` times the usual peak
    /// (or `criticalMinutes` answered over `minCalls` calls); returns the calls.
    private func judge(
        _ tally: inout Tally,
        subject: String,
        usual: Double,
        now: Int64,
        emit: (Alert) -> Void
    ) -> Double {
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
}

extension IRSFBurstDetector.State {
    /// Notes a call to `country` at `now`; true when the country is new for the subject (first called
    /// within the window, after the warm-up, and not in the last `period`).
    mutating func note(country: String, at now: Int64, period: Int64, warmUp: Int64, window: Int64) -> Bool {
        guard !country.isEmpty else { return false }
        let region = IRSFBurstDetector.Country.region(country)
        let known = countries.firstIndex { $0.region == region }
        if let index = known, now - Int64(countries[index].last) < period,
            !countries[index].disputed || now - Int64(countries[index].first) < window
        {
            countries[index].last = max(countries[index].last, UInt32(clamping: now))
            let first = Int64(countries[index].first)
            return firstSeen + warmUp <= first && now - first < window
        }
        let fresh = IRSFBurstDetector.Country(region: region, at: now)
        if let index = known { countries[index] = fresh } else { countries.append(fresh) }
        if countries.count > IRSFBurstDetector.maxCountries,
            let oldest = countries.indices.min(by: { countries[$0].last < countries[$1].last })
        {
            countries.remove(at: oldest)
        }
        return firstSeen + warmUp <= now
    }

    /// Marks the countries first called since `start` as disputed: an alert cited calls to them.
    mutating func dispute(since start: Int64) {
        for index in countries.indices where Int64(countries[index].first) >= start {
            countries[index].disputed = true
        }
    }

    /// Starts a new day's peak when `now` is on a later day (the usual peak decays 10 % a day); returns the
    /// usual peak.
    mutating func rollDay(at now: Int64) -> Double {
        let day = CallRecord.dayOf(now)
        if day != self.day {
            usualPeak = max(usualPeak * 0.9, dayPeak)
            self.day = day
            dayPeak = 0
        }
        return usualPeak
    }
}
