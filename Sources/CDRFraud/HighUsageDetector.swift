import CDRModel
import Foundation

/// D15, usage far above the subscriber's own profile: today's answered minutes against an exponentially
/// weighted average of earlier days (28-day span). Warns above max(`warnFloorMinutes`, `warn` × the average)
/// and is critical above `critical` × it, once the number has `minHistoryDays` (default 7) days of history
/// and at least `minCalls` (default 3) calls today (one very long call is not a pattern). Subject: the
/// calling number.
final class HighUsageDetector: Detector {
    struct Profile: Sendable {
        var day: Int64
        var today: Double = 0
        var callsToday = 0
        var average: Double = 0
        var days = 0
        /// Evidence and snooze, allocated only on a day the number nears the floor.
        var tally: Tally?
        var lastEmitted: [Severity: Int64] = [:]

        mutating func roll(to now: Int64) {
            guard now > day else { return }
            let alpha = 2.0 / 29.0
            average = alpha * today + (1 - alpha) * average
            let gap = Int(min(now - day - 1, 60))
            if gap > 0 { average *= pow(1 - alpha, Double(gap)) }
            days += Int(now - day)
            day = now
            today = 0
            callsToday = 0
            if let kept = tally { lastEmitted = kept.lastEmitted }
            tally = nil
        }
    }

    let rule: FraudRule
    private let filter: CallFilter
    private var profiles: KeyedState<Int64, Profile>

    init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        self.rule = rule
        self.filter = filter
        profiles = KeyedState(ttl: 28 * 86_400, cap: context.keyCap)
    }

    var liveKeys: Int { profiles.count }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard record.answered, !record.call.calling.isEmpty, filter.matches(record) else { return }
        let rule = rule
        let now = record.call.start
        let today = CallRecord.dayOf(now)
        let floor = rule.param("warnFloorMinutes", 120)
        let history = Int(rule.param("minHistoryDays", 7))
        let minCalls = Int(rule.param("minCalls", 3))
        profiles.update(
            record.callingKey,
            at: now,
            orInsert: Profile(day: today)
        ) { profile in
            if today < profile.day { return }
            profile.roll(to: today)
            profile.today += Double(record.call.billable) / 60
            profile.callsToday += 1
            guard profile.today >= floor / 2 else { return }
            if profile.tally == nil {
                var fresh = Tally(window: 86_400, buckets: 1)
                fresh.lastEmitted = profile.lastEmitted
                profile.tally = fresh
            }
            profile.tally!.note(record, value: Double(record.call.billable) / 60)
            guard profile.days >= history, profile.callsToday >= minCalls else { return }
            let warn = max(floor, rule.warn * profile.average)
            let critical = max(floor * rule.critical / rule.warn, rule.critical * profile.average)
            guard profile.today >= warn else { return }
            var adjusted = rule
            adjusted.warn = warn
            adjusted.critical = critical
            let minutes = profile.today
            let average = profile.average
            emitIfDue(
                rule: adjusted,
                detector: "high-usage",
                subject: record.call.calling,
                value: minutes,
                measures: [
                    Measure(name: "answered_minutes_today", value: minutes, warn: warn, critical: critical),
                    Measure(name: "usual_daily_minutes", value: average, warn: 0, critical: 0),
                ],
                tally: &profile.tally!,
                now: now,
                summary: { _ in "\(Int(minutes)) answered minutes today against a usual \(Int(average.rounded())) a day"
                },
                emit: emit
            )
        }
    }
}
