/// An instant as whole seconds since 1970-01-01T00:00:00Z, where a type keeps it apart from a day or a
/// month. Records keep their times as plain `Int64` epoch seconds on the hot path; this type is for the
/// boundaries where days, months and instants meet.
public struct EpochSeconds: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since the epoch.
    public var rawValue: Int64

    /// The instant `rawValue` seconds after the epoch.
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// The instant `seconds` after the epoch.
    public init(_ seconds: Int64) { rawValue = seconds }

    /// The UTC day it falls on.
    public var day: UTCDay { UTCDay(containing: self) }

    /// The same wall-clock time `months` calendar months later (earlier when negative), the day clamped
    /// to the target month's length.
    public func adding(months: Int64) -> EpochSeconds { EpochSeconds(CivilTime.adding(months: months, to: rawValue)) }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public var description: String { CivilTime.iso8601(rawValue) }

    public static func < (a: EpochSeconds, b: EpochSeconds) -> Bool { a.rawValue < b.rawValue }
}
