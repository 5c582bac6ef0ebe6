import CDRModel
import Foundation

/// D13, simultaneous calls: calls of one calling number whose [start, end) intervals overlap. Main measure:
/// calls in progress when a call starts, against max(warn, `peakFactor` (default 3) × the number's usual
/// daily peak) and max(critical, twice that), so a trunk that is always busy, or a small PBX line whose
/// usual peak is 2, is not alerted at 4 or 5 while a line that is suddenly busy is. The usual peak is the
/// highest daily peak of earlier days (decaying 10 % a day), kept only for numbers that ever had two calls
/// at once. A mobile is one handset, so a few calls at once are already strange; a fixed line, trunk or PBX
/// (not a mobile, or calling with an account code) carries several by design, so until it has a usual
/// peak it warns no lower than `lineWarn` (default 8), critical at twice that. Subject: the calling number.
final class ConcurrencyDetector: Detector {
    /// The calls in progress (start, end, record id) and the snooze bookkeeping. A number's latest call
    /// is held inline; the list is allocated only once two calls overlap, which most numbers never do.
    struct State: Sendable {
        var latest: (start: Int64, end: Int64, id: Int64) = (0, 0, 0)
        var calls: [(start: Int64, end: Int64, id: Int64)] = []
        var lastEmitted = EmissionLog()

        /// Notes a call starting at `now` and returns the calls in progress, itself included.
        mutating func start(_ call: (start: Int64, end: Int64, id: Int64), limit: Int) -> Int {
            let now = call.start
            if calls.isEmpty {
                if latest.end <= now || latest.start > now {
                    latest = call
                    return 1
                }
                calls.append(latest)
            }
            calls.removeAll { $0.end <= now || $0.start > now }
            calls.append(call)
            if calls.count > limit { calls.removeFirst() }
            latest = call
            if calls.count == 1 { calls.removeAll() }
            return max(1, calls.count)
        }
    }

    /// A number's concurrency profile: today's peak and the usual peak of earlier days.
    struct Profile: Sendable {
        var day: Int64
        var peak: Double = 0
        var usual: Double = 0

        mutating func record(_ concurrent: Double, on today: Int64) {
            if today > day {
                usual = max(usual * pow(0.9, Double(today - day)), peak)
                day = today
                peak = 0
            }
            if today == day { peak = max(peak, concurrent) }
        }
    }

    let rule: FraudRule
    /// Times the usual daily peak before a warning, read from the rule once.
    private lazy var factor = rule.param("peakFactor")
    /// The warning floor of a fixed line, trunk or PBX.
    private lazy var lineWarn = rule.param("lineWarn")
    private let filter: CallFilter
    private var state: KeyedState<Int64, State>
    private var profiles: KeyedState<Int64, Profile>
    private let stored: (any ProfileLookup)?
    private var journal: BaselineJournal

    init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        self.rule = rule
        self.filter = filter
        state = KeyedState(ttl: Int64(rule.param("maxCallHours") * 3600), cap: context.keyCap)
        profiles = KeyedState(ttl: 28 * UTCDay.seconds, cap: context.keyCap)
        stored = context.profiles
        journal = BaselineJournal(active: context.profiles != nil)
    }

    /// The profile of a number this detector has not met: its stored usual peak, faded to today.
    private func seeded(_ number: String, today: Int64) -> Profile {
        var profile = Profile(day: today)
        if let baseline = stored?.baseline(number), baseline.day <= UTCDay(today) {
            profile.usual = SubjectBaseline.decayed(baseline.concurrency, from: baseline.day, to: UTCDay(today))
        }
        return profile
    }

    /// Notes a usual peak worth keeping: one that raises the thresholds above the rule's own.
    private func keep(_ number: String, usual: Double, on day: Int64) {
        if factor * usual > rule.warn {
            journal.note(SubjectBaseline(key: number, day: UTCDay(day), concurrency: usual))
        }
    }

    func takeBaselines(all: Bool, chunk: Int, _ hand: ([SubjectBaseline]) -> Void) {
        if all {
            profiles.visit { key, profile in
                guard let number = SubjectKey.number(of: key) else { return }
                var closed = profile
                closed.record(0, on: profile.day + 1)
                keep(number, usual: closed.usual, on: closed.day)
                journal.handOver(chunk: chunk, all: false, hand)
            }
        }
        journal.handOver(chunk: chunk, all: true, hand)
    }

    var liveKeys: Int { state.count + profiles.count }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard !record.call.calling.isEmpty, filter.matches(record) else { return }
        let now = record.call.start
        let subject = record.call.calling
        let key = record.callingKey
        let limit = Int(rule.critical) * 4
        let concurrent = state.update(key, at: now, orInsert: State()) { state -> Double in
            Double(state.start((now, max(record.call.end, now + 1), record.id), limit: limit))
        }
        guard concurrent >= 2 else { return }
        let today = CallRecord.dayOf(now)
        let (usual, rolled) = profiles.update(key, at: now, orInsert: seeded(subject, today: today)) { profile in
            let rolled = today > profile.day
            profile.record(concurrent, on: today)
            return (profile.usual, rolled)
        }
        if rolled { keep(subject, usual: usual, on: today) }
        let unknownLine = usual < 1 && (record.origin.type != .mobile || !record.call.account.isEmpty)
        let warn = max(unknownLine ? max(rule.warn, lineWarn) : rule.warn, factor * usual)
        let critical = max(unknownLine ? max(rule.critical, 2 * lineWarn) : rule.critical, 2 * factor * usual)
        guard concurrent >= warn else { return }
        var adjusted = rule
        adjusted.warn = warn
        adjusted.critical = critical
        state.update(key, at: now, orInsert: State()) { state in
            var tally = Tally(window: rule.window, buckets: 1)
            tally.lastEmitted = state.lastEmitted
            for call in state.calls.suffix(Alert.evidenceLimit) {
                tally.remember(id: call.id, at: call.start)
            }
            emitIfDue(
                rule: adjusted,
                detector: DetectorKind.concurrency.rawValue,
                subject: subject,
                value: concurrent,
                measures: [
                    Measure(name: "concurrent_calls", value: concurrent, warn: warn, critical: critical),
                    Measure(name: "usual_daily_peak", value: usual, warn: 0, critical: 0),
                ],
                tally: &tally,
                now: now,
                summary: { _ in
                    "\(Int(concurrent)) calls at once from one number"
                        + (usual >= 1 ? " (usually at most \(Int(usual)))" : " (no earlier busy day)")
                },
                emit: emit
            )
            state.lastEmitted = tally.lastEmitted
        }
    }
}
