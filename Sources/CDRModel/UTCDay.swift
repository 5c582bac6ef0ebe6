/// A UTC calendar day, counted from 1970-01-01 (day 0): the unit records are rolled up, aggregated and
/// expired by. Not interchangeable with epoch seconds or a month: each has its own type.
public struct UTCDay: RawRepresentable, Codable, Hashable, Comparable, Strideable, Sendable, CustomStringConvertible {
    /// Seconds in a UTC day (no leap seconds in epoch time).
    public static let seconds: Int64 = 86_400

    /// Days since 1970-01-01.
    public var rawValue: Int64

    /// The day `rawValue` days after 1970-01-01.
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// The day `number` days after 1970-01-01.
    public init(_ number: Int64) { rawValue = number }

    /// The day an instant falls on.
    public init(containing instant: EpochSeconds) { rawValue = CallRecord.dayOf(instant.rawValue) }

    /// The day of a calendar date.
    public init(year: Int64, month: Int64, day: Int64) { rawValue = CivilTime.days(year: year, month: month, day: day) }

    /// Its first second (midnight UTC).
    public var start: EpochSeconds { EpochSeconds(rawValue * Self.seconds) }

    /// The first second of the next day: the day is `start..<end`.
    public var end: EpochSeconds { EpochSeconds((rawValue + 1) * Self.seconds) }

    /// The day after it.
    public var next: UTCDay { UTCDay(rawValue + 1) }

    /// The month it belongs to.
    public var month: MonthIndex { MonthIndex(containing: self) }

    /// Its calendar date.
    public var date: (year: Int64, month: Int64, day: Int64) { CivilTime.date(days: rawValue) }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = date
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }

    public static func < (a: UTCDay, b: UTCDay) -> Bool { a.rawValue < b.rawValue }

    public func distance(to other: UTCDay) -> Int64 { other.rawValue - rawValue }

    public func advanced(by days: Int64) -> UTCDay { UTCDay(rawValue + days) }
}
