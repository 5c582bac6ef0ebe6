/// A calendar month as `year * 12 + month - 1`: the unit full records are partitioned and retained by.
public struct MonthIndex: RawRepresentable, Codable, Hashable, Comparable, Strideable, Sendable, CustomStringConvertible
{
    /// `year * 12 + month - 1`.
    public var rawValue: Int64

    /// The month with index `rawValue`.
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// The month with index `index`.
    public init(_ index: Int64) { rawValue = index }

    /// The month a day falls in.
    public init(containing day: UTCDay) { rawValue = CivilTime.monthIndex(days: day.rawValue) }

    /// The month of a calendar year and month (1-12).
    public init(year: Int64, month: Int64) { rawValue = year * 12 + month - 1 }

    /// Its first day.
    public var firstDay: UTCDay { UTCDay(CivilTime.firstDay(ofMonth: rawValue)) }

    /// Its days, first to last.
    public var days: ClosedRange<UTCDay> { firstDay...next.firstDay.advanced(by: -1) }

    /// The month after it.
    public var next: MonthIndex { MonthIndex(rawValue + 1) }

    /// `YYYY-MM`.
    public var description: String { CivilTime.monthName(rawValue) }

    public static func < (a: MonthIndex, b: MonthIndex) -> Bool { a.rawValue < b.rawValue }

    public func distance(to other: MonthIndex) -> Int64 { other.rawValue - rawValue }

    public func advanced(by months: Int64) -> MonthIndex { MonthIndex(rawValue + months) }
}
