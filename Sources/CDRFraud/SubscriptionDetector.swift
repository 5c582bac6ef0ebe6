import CDRModel

/// D10, subscription fraud: a number first seen less than `newHours` (default 72) ago that runs up
/// international or premium answered minutes at once — `warn` minutes (default 60) within its first day
/// over at least `minCostlyCalls` (default 3) such calls warns, `critical` (default 300) is critical (one
/// long call is not a pattern) — or makes at least `minCalls` (default 20) calls of which
/// at least `internationalShare` (default 0.5) abroad. Numbers seen in the first `warmUpDays` (default 7)
/// of the data are not new: the detector only knows a number is new once it has watched long enough.
/// Subject: the calling number. Every number keeps only when it was first seen (a compact table); the
/// counts live in a second table holding new numbers alone. A number missing from the table (never seen by
/// this process, or dropped at the key cap) is old when a fixed-size filter of the numbers this process has
/// met knows it, else takes its first day from the stored usage profile when there is one, so a line active
/// for weeks is not "first seen" again however many subscribers the table had to drop. The profile is read
/// only when the number would raise an alert as new, not when it is met: until then it is counted as first
/// seen now, which can only count a number that is older than that, never miss one.
final class SubscriptionDetector: KeyedDetector<Int64, SubscriptionDetector.State>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var warmUp = Int64(rule.param("warmUpDays") * 86_400)
    private lazy var newWindow = Int64(rule.param("newHours") * 3600)
    private lazy var minCalls = Int(rule.param("minCalls"))
    private lazy var share = rule.param("internationalShare")
    private lazy var minCostly = Int32(rule.param("minCostlyCalls"))

    /// A new number's counts since first seen: 24 bytes, for every number in its first `newHours`.
    struct State: Sendable {
        var firstSeen: Int64
        var minutes: Float = 0
        var calls: Int32 = 0
        var abroad: Int32 = 0
    }

    /// When a number was first seen, and whether that is known (from this process or the stored profile)
    /// or only that it was met now, its profile unread.
    struct FirstSeen: Sendable {
        var time: Int64
        var known: Bool
    }

    private var origin: Int64?
    private var firstSeen: KeyedState<Int64, FirstSeen>
    /// Evidence and emissions of the few new numbers past a threshold (a tally is four times a state).
    private var alerting: KeyedState<Int64, Tally>
    private let profiles: (any ProfileLookup)?
    /// Every number this process has met, so one dropped from `firstSeen` at the cap is not new again.
    private var met = SeenFilter()

    override init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        firstSeen = KeyedState(ttl: 30 * UTCDay.seconds, cap: context.keyCap)
        let ttl = Int64(rule.param("newHours") * 3600) + rule.snooze
        alerting = KeyedState(ttl: ttl, cap: context.keyCap)
        profiles = context.profiles
        super.init(rule: rule, filter: filter, context: context)
        state = KeyedState(ttl: ttl, cap: context.keyCap)
    }

    override var liveKeys: Int { state.count + firstSeen.count + alerting.count }

    /// When a number the table lacks was first seen: long ago (`origin`) when this process met it before
    /// (it was dropped at the cap), else now, known only when there are no stored profiles to ask.
    private func met(_ record: FraudRecord, now: Int64, origin: Int64) -> FirstSeen {
        if met.insert(record.callingKey) { return FirstSeen(time: origin, known: true) }
        return FirstSeen(time: now, known: profiles == nil)
    }

    /// When a number met at `seen` was first seen: at the start of its stored first day when that is an
    /// earlier day (a profile knows only days), else `seen`, which is exact.
    private func stored(_ record: FraudRecord, seen: Int64) -> Int64 {
        guard let day = profiles?.profile(record.call.calling)?.firstDay, day < EpochSeconds(seen).day else {
            return seen
        }
        return day.start.rawValue
    }

    /// True when a new number has made enough calls, enough of them abroad, to alert whatever its minutes.
    private func alertsByShare(_ counted: State) -> Bool {
        Int(counted.calls) >= minCalls && Double(counted.abroad) / Double(counted.calls) >= share
    }

    /// True when a new number's counts reach an alert's thresholds.
    private func wouldAlert(_ counted: State) -> Bool {
        (Double(counted.minutes) >= rule.warn && counted.abroad >= minCostly) || alertsByShare(counted)
    }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard !record.call.calling.isEmpty, record.origin.isE164 else { return }
        let now = record.call.start
        let start = origin ?? now
        origin = start
        let costly = (record.dialsAbroad || record.destination.type == .premium) && filter.matches(record)
        let seen = firstSeen.update(record.callingKey, at: now, orInsert: met(record, now: now, origin: start)) { $0 }
        guard seen.time >= start + warmUp, now - seen.time <= newWindow else { return }
        var counted = state.update(record.callingKey, at: now, orInsert: State(firstSeen: seen.time)) {
            state -> State in
            state.calls += 1
            if costly {
                state.abroad += 1
                if now - state.firstSeen <= UTCDay.seconds { state.minutes += Float(record.call.billable) / 60 }
            }
            return state
        }
        guard wouldAlert(counted) else { return }
        if !seen.known {
            let first = stored(record, seen: seen.time)
            firstSeen.update(record.callingKey, at: now, orInsert: seen) { $0 = FirstSeen(time: first, known: true) }
            if first != seen.time {
                guard first >= start + warmUp, now - first <= newWindow else { return }
                // Stored days start at midnight before the day it was met, so its first day ended before any
                // minutes counted here.
                counted.firstSeen = first
                counted.minutes = 0
                state.update(record.callingKey, at: now, orInsert: counted) { $0 = counted }
                guard wouldAlert(counted) else { return }
            }
        }
        let minutes = Double(counted.minutes)
        let calls = Int(counted.calls)
        let abroadShare = Double(counted.abroad) / Double(counted.calls)
        let byShare = alertsByShare(counted)
        alerting.update(record.callingKey, at: now, orInsert: Tally(window: newWindow, buckets: 1)) { tally in
            tally.note(record)
            emitIfDue(
                rule: rule,
                detector: DetectorKind.subscription.rawValue,
                subject: record.call.calling,
                value: minutes,
                measures: [
                    Measure(name: "costly_minutes_first_day", value: minutes, warn: rule.warn, critical: rule.critical),
                    Measure(name: "share_abroad_or_premium", value: abroadShare, warn: share, critical: share),
                    Measure(
                        name: "calls_since_first_seen",
                        value: Double(calls),
                        warn: Double(minCalls),
                        critical: Double(minCalls)
                    ),
                ],
                tally: &tally,
                now: now,
                summary: { _ in
                    "new number (first seen \(CivilTime.iso8601(counted.firstSeen))): \(Int(minutes)) international/premium min on its first day, \(Int(abroadShare * 100)) % of \(calls) calls abroad"
                },
                emit: emit,
                forced: minutes < rule.warn && byShare ? .warning : nil
            )
        }
    }
}
