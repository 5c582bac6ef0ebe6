import Foundation

/// Converts wall-clock times written by a switch in a local time zone to UTC, caching the zone's
/// offset per local hour so millions of records cost one dictionary probe each.
///
/// In the autumn hour that repeats, the first (summer-time) reading is taken; in the spring hour that
/// does not exist, the offset before the change is used. Both are stated in the README.
public struct LocalTimeConverter: Sendable {
    /// The zone's identifier, e.g. `Europe/London`.
    public let identifier: String
    private let zone: TimeZone?
    private var cache: [Int64: Int64] = [:]
    private var reverse: [Int64: Int64] = [:]

    /// Creates a converter; nil when the identifier is not a known zone. `UTC` needs no table.
    public init?(identifier: String) {
        self.identifier = identifier
        if identifier == "UTC" || identifier == "Z" || identifier == "GMT" {
            zone = nil
            return
        }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.zone = zone
    }

    /// UTC epoch seconds of a wall-clock time given as seconds since the epoch read as UTC.
    public mutating func utc(fromLocal local: Int64) -> Int64 {
        guard let zone else { return local }
        let hour = local >= 0 ? local / 3600 : (local - 3599) / 3600
        if let offset = cache[hour] { return local - offset }
        let guess = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local))))
        let before = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local - guess - 3600))))
        let after = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local - guess))))
        let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local - max(before, after)))))
        if cache.count > 100_000 { cache.removeAll(keepingCapacity: true) }
        cache[hour] = offset
        return local - offset
    }

    /// Wall-clock seconds (read as UTC) in the zone of a UTC epoch second: for local hours and weekdays.
    public mutating func local(fromUTC utc: Int64) -> Int64 {
        guard let zone else { return utc }
        let hour = utc >= 0 ? utc / 3600 : (utc - 3599) / 3600
        if let offset = reverse[hour] { return utc + offset }
        let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour * 3600))))
        if reverse.count > 100_000 { reverse.removeAll(keepingCapacity: true) }
        reverse[hour] = offset
        return utc + offset
    }
}
