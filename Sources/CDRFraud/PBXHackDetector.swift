import CDRModel

/// D06, PBX hacking: a PBX account (or line, without an account code) placing international or premium
/// calls outside business hours, or probing with failed calls to many international numbers
/// (`probeDistinct`, default 10, within `probeMinutes`, default 10: a warning). The count must also reach
/// `peakFactor` (default 3) times the subject's own usual busiest window of such calls, so a line that
/// habitually calls abroad at night is judged against its habit. The habit is kept in the store as each
/// day closes and read back for a subject this process has not met (or dropped at the key cap). Subject:
/// `acct:<code>` or the calling number.
final class PBXHackDetector: KeyedDetector<String, PBXHackDetector.State>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var probeDistinct = rule.param("probeDistinct")
    private lazy var probeWindow = Int64(rule.param("probeMinutes") * 60)
    private lazy var factor = rule.param("peakFactor")

    struct State: Sendable {
        var tally: Tally
        var probes: RecentDistinct<String>
    }

    /// A subject's habit: today's busiest window of such calls and the usual one, kept for 28 days, well past
    /// the window's own state, so a line that calls abroad every evening is judged against it the next one.
    struct Habit: Sendable {
        /// The day the peak below is of.
        var day: Int64
        /// Today's busiest window of such calls.
        var dayPeak: Double = 0
        /// The usual busiest window: earlier days' peaks, fading by a tenth a day.
        var usualPeak: Double = 0

        /// The usual peak as of `today`, closing the day before into it.
        mutating func usual(on today: Int64) -> Double {
            if today != day {
                usualPeak = max(usualPeak * 0.9, dayPeak)
                day = today
                dayPeak = 0
            }
            return usualPeak
        }
    }

    private var habits: KeyedState<String, Habit>
    private let stored: (any ProfileLookup)?
    private var journal: BaselineJournal

    override init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        habits = KeyedState(ttl: 28 * UTCDay.seconds, cap: context.keyCap)
        stored = context.profiles
        journal = BaselineJournal(active: context.profiles != nil)
        super.init(rule: rule, filter: filter, context: context)
    }

    /// The habit of a subject this detector has not met: its stored usual peak (as of the day stored),
    /// faded to `today`.
    private func seeded(_ subject: String, today: Int64) -> Habit {
        guard let baseline = stored?.baseline(subject), baseline.day <= UTCDay(today), let peak = baseline.offHours
        else { return Habit(day: today) }
        return Habit(day: today, usualPeak: SubjectBaseline.decayed(peak, from: baseline.day, to: UTCDay(today)))
    }

    func takeBaselines(all: Bool, chunk: Int, _ hand: ([SubjectBaseline]) -> Void) {
        if all {
            habits.visit { subject, habit in
                var closed = habit
                let usual = closed.usual(on: habit.day + 1)
                if usual >= 1 { journal.note(SubjectBaseline(key: subject, day: UTCDay(closed.day), offHours: usual)) }
                journal.handOver(chunk: chunk, all: false, hand)
            }
        }
        journal.handOver(chunk: chunk, all: true, hand)
    }

    override var liveKeys: Int { state.count + habits.count }

    /// The records it looks at.
    var interest: RecordTraits { [.dialsAbroad, .premium] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard record.dialsAbroad || record.destination.type == .premium, filter.matches(record) else { return }
        let now = record.call.start
        let subject = record.call.account.isEmpty ? record.call.calling : "acct:" + record.call.account
        let day = CallRecord.dayOf(now)
        let (usual, rolled) = habits.update(subject, at: now, orInsert: seeded(subject, today: day)) { habit in
            let rolled = habit.day != day
            return (habit.usual(on: day), rolled)
        }
        if rolled && usual >= 1 { journal.note(SubjectBaseline(key: subject, day: UTCDay(day), offHours: usual)) }
        let calls = state.update(
            subject,
            at: now,
            orInsert: State(tally: Tally(window: rule.window), probes: RecentDistinct(capacity: Int(probeDistinct)))
        ) { state -> Double in
            state.tally.note(record)
            var probes = 0.0
            if record.call.disposition == .failed || record.call.disposition == .congestion {
                state.probes.add(record.call.dialled, at: now)
                probes = Double(state.probes.count(now: now, window: probeWindow))
            }
            let calls = Double(state.tally.counter.count)
            var adjusted = rule
            adjusted.warn = max(rule.warn, factor * usual)
            adjusted.critical = max(rule.critical, factor * usual * rule.critical / rule.warn)
            emitIfDue(
                rule: adjusted,
                detector: DetectorKind.pbxHack.rawValue,
                subject: subject,
                value: calls,
                measures: [
                    Measure(
                        name: "off_hours_international_calls",
                        value: calls,
                        warn: adjusted.warn,
                        critical: adjusted.critical
                    ),
                    Measure(name: "usual_peak_calls", value: usual, warn: usual, critical: usual),
                    Measure(
                        name: "failed_probe_destinations",
                        value: probes,
                        warn: probeDistinct,
                        critical: probeDistinct
                    ),
                ],
                tally: &state.tally,
                now: now,
                summary: { _ in
                    "\(Int(calls)) international/premium calls out of hours in \(rule.windowMinutes) min"
                        + (probes >= probeDistinct ? " after \(Int(probes)) failed probes" : "")
                },
                emit: emit,
                forced: calls < adjusted.warn && probes >= probeDistinct ? .warning : nil
            )
            return calls
        }
        habits.update(subject, at: now, orInsert: Habit(day: day)) { $0.dayPeak = max($0.dayPeak, calls) }
    }
}
