import CDRModel

/// A number's usage profile in a data-subject export (schema `Profile`): what fraud detection knows of its
/// usual use.
public struct ProfileJSON: Codable, Sendable, Equatable {
    public var firstSeen: String
    public var lastSeen: String
    public var activeDays: Int64
    public var usualDailyMinutes: Double
    public var usualDailyCalls: Double
    public var busyDayMinutes: Double?
    public var busyDayCalls: Double?

    /// The JSON form of `profile`; the usual values are as of the day after it was last seen.
    public init(_ profile: CallerProfile) {
        firstSeen = profile.firstDay.description
        lastSeen = profile.lastDay.description
        activeDays = profile.activeDays
        let usual = profile.usual(before: profile.lastDay.next)
        usualDailyMinutes = ((usual?.minutes ?? 0) * 100).rounded() / 100
        usualDailyCalls = ((usual?.calls ?? 0) * 100).rounded() / 100
        busyDayMinutes = profile.dailyMinutes(quantile: 0.95, before: profile.lastDay.next)
        busyDayCalls = profile.dailyCalls(quantile: 0.95, before: profile.lastDay.next)
    }

    enum CodingKeys: String, CodingKey {
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case activeDays = "active_days"
        case usualDailyMinutes = "usual_daily_minutes"
        case usualDailyCalls = "usual_daily_calls"
        case busyDayMinutes = "busy_day_minutes"
        case busyDayCalls = "busy_day_calls"
    }
}
