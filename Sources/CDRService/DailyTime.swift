import Foundation

/// A local wall-clock time of day (`HH:MM`) a daily job runs at.
public struct DailyTime: Sendable, Equatable {
    /// Hour, 0–23.
    public var hour: Int
    /// Minute, 0–59.
    public var minute: Int

    /// Parses `HH:MM`; nil when it is not a time of day.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isASCII) }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// The latest scheduled time at or before `now` in `zone` (today's if it has passed, else yesterday's).
    public func latest(atOrBefore now: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(hour: hour, minute: minute, second: 0)
        func before(_ date: Date) -> Date {
            calendar.nextDate(after: date, matching: components, matchingPolicy: .nextTime, direction: .backward)
                ?? date.addingTimeInterval(-86_400)
        }
        let found = before(now.addingTimeInterval(1))
        return found <= now ? found : before(found)
    }

    /// True when a job that last ran at `lastRun` (nil: never) is due at `now`: a scheduled time has come
    /// since its last run. A run missed while the service was down is therefore due at start.
    public func isDue(lastRun: Date?, now: Date, in zone: TimeZone) -> Bool {
        let scheduled = latest(atOrBefore: now, in: zone)
        guard let lastRun else { return true }
        return lastRun < scheduled
    }
}
