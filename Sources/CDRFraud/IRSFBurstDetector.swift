import CDRModel

/// D02, IRSF burst: an account (or, without one, a calling number) suddenly calling risk-scored ranges
/// (listed `test`, `hrn`, `satellite` or `risk`) or a country it has not called in `newCountryDays`
/// (default 90). Main measure: such calls in the window; also critical at `criticalMinutes` (default 60)
/// answered minutes over at least `minCalls` (default 3) calls, so one ordinary long call to a new country
/// is not fraud. The count must also reach `peakFactor` (default 3) times the subject's usual busiest
/// window of such calls. A subject's countries are known only after `warmUpDays` (default 7) of data.
/// A subject's countries and usual peak are kept in the store as each day closes and read back for a
/// subject this process has not met (or dropped at the key cap). What an alerted window called teaches nothing: its new countries stay new and its count does not raise
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

    /// A country the subject called: when first in the current period and when last. 16 bytes: the country's
    /// ISO code packed into the upper bytes, the lowest bit saying whether an alert cited calls to it while
    /// it was new, the times in whole seconds since 1970 as 32 bits (to 2106).
    struct Country: Sendable {
        private var tagged: Int64
        var first: UInt32
        var last: UInt32

        init(region: Int64, at now: Int64) {
            tagged = region & ~1
            first = UInt32(clamping: now)
            last = first
        }

        /// The country's packed code, without the flag bit.
        var region: Int64 { tagged & ~1 }

        /// The country's ISO code.
        var code: String {
            let bytes = (1...7).reversed().map { UInt8(truncatingIfNeeded: region >> ($0 * 8)) }.filter { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// True when it became known only through calls an alert cited: not yet trusted as usual.
        var disputed: Bool {
            get { tagged & 1 == 1 }
            set { tagged = newValue ? tagged | 1 : tagged & ~1 }
        }

        /// A country's ISO code (up to 7 bytes) packed above the flag byte.
        static func region(_ country: String) -> Int64 {
            country.utf8.prefix(7).reduce(Int64(0)) { $0 << 8 | Int64($1) } << 8
        }
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
    private let stored: (any ProfileLookup)?
    private var journal: BaselineJournal
    /// The account codes behind account keys (a number's key gives its number back), while baselines are kept.
    private var accounts: [Int64: String] = [:]

    override init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        tallies = KeyedState(ttl: rule.window + rule.snooze, cap: context.keyCap)
        stored = context.profiles
        journal = BaselineJournal(active: context.profiles != nil)
        super.init(rule: rule, filter: filter, context: context)
        state = KeyedState(ttl: Int64(rule.param("newCountryDays") * 86_400), cap: context.keyCap)
    }

    /// The state of a subject this detector has not met: its stored countries (known since the day stored)
    /// and usual peak, first seen when its profile says, else on the baseline's day.
    private func seeded(_ subject: String, now: Int64) -> State {
        guard let baseline = stored?.baseline(subject), baseline.day <= UTCDay(containing: EpochSeconds(now)),
            baseline.burst != nil || baseline.countries != nil
        else {
            return State(firstSeen: now)
        }
        let known = baseline.day.start.rawValue
        let first = stored?.profile(subject)?.firstDay.start.rawValue ?? known
        var state = State(firstSeen: min(now, first))
        state.countries = (baseline.countries ?? []).prefix(Self.maxCountries).map {
            Country(region: Country.region($0), at: known)
        }
        state.day = CallRecord.dayOf(now)
        state.usualPeak = SubjectBaseline.decayed(baseline.burst, from: baseline.day, to: UTCDay(state.day))
        return state
    }

    /// Notes the subject's baseline as of `day` (its trusted countries, most recent first, and usual peak)
    /// when it says more than a stranger's would: an account, a number calling two countries or more, or a
    /// usual peak. A number that called one country once costs a row per subscriber and teaches little.
    private func keep(_ subject: String, _ state: State, day: Int64) {
        let trusted = state.countries.filter { !$0.disputed }
        guard subject.hasPrefix("acct:") || trusted.count >= 2 || state.usualPeak >= 1 else { return }
        let countries = trusted.sorted { $0.last > $1.last }.map(\.code)
        journal.note(SubjectBaseline(key: subject, day: UTCDay(day), burst: state.usualPeak, countries: countries))
    }

    func takeBaselines(all: Bool, chunk: Int, _ hand: ([SubjectBaseline]) -> Void) {
        if all && journal.active {
            state.visit { key, subjectState in
                guard let subject = accounts[key].map({ "acct:" + $0 }) ?? SubjectKey.number(of: key) else { return }
                var closed = subjectState
                let day = closed.day + 1
                _ = closed.rollDay(at: day * UTCDay.seconds)
                keep(subject, closed, day: day)
                journal.handOver(chunk: chunk, all: false, hand)
            }
        }
        journal.handOver(chunk: chunk, all: true, hand)
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
        let subject = account.isEmpty ? record.call.calling : "acct:" + account
        if journal.active && !account.isEmpty && accounts[key] == nil { accounts[key] = account }
        let country = record.destination.country
        let listed = record.listed.map { $0.category != .premium } ?? false
        let today = CallRecord.dayOf(now)
        let (due, closed) = state.update(key, at: now, orInsert: seeded(subject, now: now)) { state in
            var closed: State?
            if state.day != today {
                let hadDay = state.day != 0 && !state.countries.isEmpty
                _ = state.rollDay(at: now)
                if hadDay { closed = state }
            }
            let isNew = state.note(country: country, at: now, period: period, warmUp: warmUp, window: rule.window)
            return (isNew || listed ? state.usualPeak : nil, closed)
        }
        if let closed, journal.active { keep(subject, closed, day: today) }
        guard let usual = due else { return }
        let (calls, alerted) = tallies.update(key, at: now, orInsert: Tally(window: rule.window)) { tally in
            tally.note(record, value: Double(record.call.billable) / 60)
            let calls = judge(&tally, subject: subject, usual: usual, now: now, emit: emit)
            return (calls, tally.lastEmitted.emitted(within: rule.window, of: now))
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
            let faded =
                self.day == 0
                ? usualPeak : SubjectBaseline.decayed(usualPeak, from: UTCDay(self.day), to: UTCDay(day - 1))
            usualPeak = max(faded * 0.9, dayPeak)
            self.day = day
            dayPeak = 0
        }
        return usualPeak
    }
}
