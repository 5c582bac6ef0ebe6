import CDRModel
import Foundation

/// D15, usage far above the subscriber's own profile: today's answered minutes against an exponentially
/// weighted average of earlier days (28-day span), corrected for the days before the number was first seen. Warns above max(`warnFloorMinutes`, `warn` × the average)
/// and is critical above `critical` × it, once the number is mature — `minHistoryDays` (default 7) days of
/// history of which `minActiveDays` (default 5) with answered calls, so a line that made one short call a
/// week ago has no usual to be far above — and has at least `minCalls` (default 3) calls today. A number
/// whose stored profile shows an occasional long day is also held to `busyDayFactor` (default 1.5) × its
/// busy day (the `busyDayQuantile`, default 0.95, of its days' answered minutes). A call counts at most `callCapMinutes` (default 60)
/// towards the day, in the profile and today alike: one very long call (a chat, a line left open) is not
/// a pattern, and in generated background traffic three 3–4-hour calls were the only false alerts. Subject:
/// the calling number.
/// Every number keeps a compact profile; evidence and snooze live in a second table for the few numbers
/// near the floor today. A number missing from it (new to this process, or dropped at the key cap) is
/// joined with its stored usage profile when there is one (its history, usual minutes and today's minutes
/// so far), but only once its minutes could matter: most numbers never come near the floor, and reading
/// every number's profile on every day it calls was most of detection's time at 400k subscribers. The
/// numbers whose stored minutes today are already a quarter of the floor are read at once (one query per
/// day); any other has under a quarter stored, so until its own minutes here reach a quarter of the floor,
/// its day stays under half the floor, below which nothing is judged.
final class HighUsageDetector: Detector {
    /// Settings read from the rule once, not per record.
    private lazy var floor = rule.param("warnFloorMinutes")
    private lazy var history = Int32(rule.param("minHistoryDays"))
    private lazy var minActive = Int32(rule.param("minActiveDays"))
    private lazy var minCalls = Int32(rule.param("minCalls"))
    private lazy var callCap = rule.param("callCapMinutes")
    private lazy var priorQuantile = rule.param("priorQuantile")
    private lazy var busyQuantile = rule.param("busyDayQuantile")
    private lazy var busyFactor = rule.param("busyDayFactor")
    /// The first day this detector saw: a number first seen within `minHistoryDays` of it may be older
    /// than the data, so only one first seen later is known to be young.
    private var originDay: Int64?
    /// The population priors young numbers are judged by, per class (see ``PopulationClass``), once asked.
    private var priors: [String: Double?] = [:]
    /// The numbers whose stored minutes on a day already reach ``readAt``, per day asked (nil: unknown, so
    /// every number is read at once); a few recent days kept.
    private var busy: [Int64: Set<Int64>?] = [:]
    /// The stored profiles' ``ProfileLookup/generation`` the unread numbers were counted under.
    private var generation = 0
    /// Most busy numbers asked of the store for a day; beyond, every number that day is read at once.
    static let busyLimit = 50_000

    /// The minutes, stored or counted here, at which a number's stored profile is read: a quarter of the
    /// floor (see the type's comment).
    private var readAt: Double { floor / 4 }

    /// The numbers busy on `day` (see ``busy``).
    private func busyNumbers(on day: Int64) -> Set<Int64>? {
        if let known = busy[day] { return known }
        if busy.count >= 4 { busy.removeAll() }
        let keys =
            pastOnly
            ? []
            : stored?.busyCallers(on: UTCDay(day), minutes: readAt, limit: Self.busyLimit)
        let found = keys.map { Set($0.map(SubjectKey.number)) }
        busy[day] = .some(found)
        return found
    }

    /// The population prior of `number`'s class, if known.
    private func prior(of number: String) -> Double? {
        guard priorQuantile > 0, let stored, let kind = PopulationClass.of(number) else { return nil }
        if let known = priors[kind] { return known }
        let value = stored.populationMinutes(quantile: priorQuantile, minDays: Int64(history), keyPrefix: kind)
        priors[kind] = .some(value)
        return value
    }

    struct Profile: Sendable {
        var day: Int64
        var today: Double = 0
        var average: Double = 0
        var callsToday: Int32 = 0
        var days: Int32 = 0
        /// Days before today with answered calls.
        var activeDays: Int32 = 0
        /// A busy day's answered minutes from the stored profile's sketch (0 when not known).
        var busyDay: Float = 0
        /// The day the number was met while its stored profile is not read yet, else -1: the fields above
        /// then count from that day only (see ``HighUsageDetector/read(_:_:)``).
        var unreadSince: Int32 = -1

        /// The weight of each new day in the average (a 28-day span).
        static let alpha = 2.0 / 29.0

        /// The usual daily minutes: the average corrected for the days before the number was first seen, which
        /// an average starting at zero would count as days of no use (after a week it would read 39 % of the
        /// true mean, and a steady heavy user would look like one far above profile).
        var usual: Double {
            let weight = 1 - pow(1 - Self.alpha, Double(days))
            return weight > 0 ? average / weight : 0
        }

        mutating func roll(to now: Int64) {
            guard now > day else { return }
            let alpha = Self.alpha
            average = alpha * today + (1 - alpha) * average
            let gap = Int(min(now - day - 1, 60))
            if gap > 0 { average *= pow(1 - alpha, Double(gap)) }
            days = Int32(min(Int64(Int32.max), Int64(days) + now - day))
            if callsToday > 0 { activeDays += 1 }
            day = now
            today = 0
            callsToday = 0
        }
    }

    /// The in-memory profile of a number this detector has not seen: from its stored profile when there is
    /// one (days of history, usual minutes, and today's minutes from files finished earlier today), else empty;
    /// when the profile may already hold the records judged, only one that ended before today.
    private func seeded(_ number: String, today: Int64) -> Profile {
        var profile = Profile(day: today)
        guard let stored = stored?.profile(number), !pastOnly || stored.lastDay < UTCDay(today),
            let usual = stored.usual(before: UTCDay(today))
        else {
            return profile
        }
        profile.days = Int32(clamping: usual.days)
        profile.activeDays = Int32(clamping: stored.activeDays - (stored.lastDay == UTCDay(today) ? 1 : 0))
        profile.busyDay = Float(stored.dailyMinutes(quantile: busyQuantile, before: UTCDay(today)) ?? 0)
        profile.average = usual.minutes * (1 - pow(1 - Profile.alpha, Double(profile.days)))
        if stored.lastDay == UTCDay(today) {
            profile.today = stored.dayMinutes
            profile.callsToday = Int32(clamping: stored.dayCalls)
        }
        return profile
    }

    /// The profile of a number this detector has not seen: read from the store now when the number is busy
    /// today there (or that is not known), else counted from today until ``readAt``.
    private func fresh(_ number: String, key: Int64, today: Int64) -> Profile {
        guard stored != nil else { return Profile(day: today) }
        guard let busy = busyNumbers(on: today), !busy.contains(key) else { return seeded(number, today: today) }
        return Profile(day: today, unreadSince: Int32(clamping: today))
    }

    /// `unread`, counted here since its ``Profile/unreadSince``, joined with what the store holds of the
    /// number before that day and on it: the same profile as one read on that day and counted on since,
    /// because rolling the average over days is linear in the minutes.
    private func read(_ unread: Profile, _ number: String) -> Profile {
        let first = Int64(unread.unreadSince)
        var joined = seeded(number, today: first)
        if unread.day == first {
            joined.today += unread.today
            joined.callsToday += unread.callsToday
            return joined
        }
        let storedCallsThatDay = joined.callsToday > 0
        joined.roll(to: unread.day)
        joined.average += unread.average
        joined.activeDays += unread.activeDays - (storedCallsThatDay ? 1 : 0)
        joined.today = unread.today
        joined.callsToday = unread.callsToday
        return joined
    }

    /// Forgets the unread numbers once the store has changed under them: what they counted may now be
    /// stored too, and would be added twice. They start again from the store on their next call.
    private func noteStoreChanges() {
        guard let stored, stored.generation != generation else { return }
        generation = stored.generation
        busy.removeAll()
        profiles.removeAll { $0.unreadSince >= 0 }
    }

    /// What a number's minutes today are judged against.
    struct Limits {
        /// True when judged against its own usual, false when against its class's population prior.
        var mature: Bool
        /// The usual daily minutes (its own, or the prior).
        var usual: Double
        var warn: Double
        var critical: Double
    }

    /// The limits for `profile` today; nil when the number is not judged (immature, and no prior for it).
    private func limits(_ profile: Profile, today: Int64, number: String) -> Limits? {
        let mature = profile.days >= history && profile.activeDays >= minActive
        let young = !mature && today - Int64(profile.days) >= (originDay ?? today) + Int64(history)
        let prior = mature || !young ? nil : self.prior(of: number)
        guard mature || prior != nil else { return nil }
        let usual = prior ?? profile.usual
        let busy = mature ? busyFactor * Double(profile.busyDay) : 0
        return Limits(
            mature: mature,
            usual: usual,
            warn: max(floor, rule.warn * usual, busy),
            critical: max(floor * rule.critical / rule.warn, rule.critical * usual, 2 * busy)
        )
    }

    /// A number near the floor: today's evidence and when each severity was last emitted.
    struct Hot: Sendable {
        var day: Int64
        var tally: Tally
    }

    let rule: FraudRule
    private let filter: CallFilter
    private var profiles: KeyedState<Int64, Profile>
    private var hot: KeyedState<Int64, Hot>
    private let stored: (any ProfileLookup)?
    /// Whether the stored profiles may hold the records being judged (see ``DetectorContext/pastOnly``).
    private let pastOnly: Bool

    init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        self.rule = rule
        self.filter = filter
        stored = context.profiles
        pastOnly = context.pastOnly
        profiles = KeyedState(ttl: 28 * UTCDay.seconds, cap: context.keyCap)
        hot = KeyedState(ttl: UTCDay.seconds + rule.snooze, cap: context.keyCap)
    }

    var liveKeys: Int { profiles.count + hot.count }

    /// The records it looks at.
    var interest: RecordTraits { [.answered] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard record.answered, !record.call.calling.isEmpty, filter.matches(record) else { return }
        let now = record.call.start
        let today = CallRecord.dayOf(now)
        if originDay == nil { originDay = today }
        let key = record.callingKey
        let number = record.call.calling
        let minutesOfCall = min(Double(record.call.billable) / 60, callCap)
        noteStoreChanges()
        let updated = profiles.update(key, at: now, orInsert: fresh(number, key: key, today: today)) {
            profile -> Profile? in
            if today < profile.day { return nil }
            profile.roll(to: today)
            profile.today += minutesOfCall
            profile.callsToday += 1
            if profile.unreadSince >= 0 && profile.today >= readAt { profile = read(profile, number) }
            return profile
        }
        guard let profile = updated, profile.today >= floor / 2 else { return }
        hot.update(key, at: now, orInsert: Hot(day: today, tally: Tally(window: UTCDay.seconds, buckets: 1))) { hot in
            if hot.day != today {
                let kept = hot.tally.lastEmitted
                hot = Hot(day: today, tally: Tally(window: UTCDay.seconds, buckets: 1))
                hot.tally.lastEmitted = kept
            }
            hot.tally.note(record, value: minutesOfCall)
            guard profile.callsToday >= minCalls,
                let limits = limits(profile, today: today, number: record.call.calling),
                profile.today >= limits.warn
            else { return }
            let (mature, warn, critical, average) = (limits.mature, limits.warn, limits.critical, limits.usual)
            var adjusted = rule
            adjusted.warn = warn
            adjusted.critical = critical
            let minutes = profile.today
            emitIfDue(
                rule: adjusted,
                detector: DetectorKind.highUsage.rawValue,
                subject: record.call.calling,
                value: minutes,
                measures: [
                    Measure(name: "answered_minutes_today", value: minutes, warn: warn, critical: critical),
                    Measure(
                        name: mature ? "usual_daily_minutes" : "population_prior_minutes",
                        value: average,
                        warn: 0,
                        critical: 0
                    ),
                ],
                tally: &hot.tally,
                now: now,
                summary: { _ in
                    mature
                        ? "\(Int(minutes)) answered minutes today against a usual \(Int(average.rounded())) a day"
                        : "\(Int(minutes)) answered minutes today for a number with under \(history) days of history, "
                            + "against \(Int(average.rounded())) a day, the \(Int(priorQuantile * 100))th percentile of "
                            + "mature \(PopulationClass.of(record.call.calling) ?? "") numbers' usual"
                },
                emit: emit
            )
        }
    }
}
