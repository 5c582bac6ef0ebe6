import CDRModel

/// A rule's filter, checked and compiled: which calls the rule counts. Off-hours follow the account's
/// business calendar when one covers it, else the filter's own hours, days and zone.
final class CallFilter: Sendable {
    private let prefixes: [[UInt8]]
    private let carriers: [[UInt8]]
    private let directions: Set<CallDirection>
    private let offHours: Bool
    private let week: BusinessCalendars.Calendar
    private let calendars: BusinessCalendars

    static let dayNames = ["thu", "fri", "sat", "sun", "mon", "tue", "wed"]

    /// Compiles a filter; errors name the rule and field.
    init(
        _ filter: FraudRule.Filter?,
        rule: String,
        file: String,
        calendars: BusinessCalendars = BusinessCalendars()
    ) throws(FraudConfigError) {
        self.calendars = calendars
        func fail(_ field: String, _ problem: String) -> FraudConfigError {
            FraudConfigError(file: file, line: nil, field: "rule \(rule): filter.\(field)", problem: problem)
        }
        let prefixes = filter?.prefixes ?? []
        for prefix in prefixes where !(prefix.hasPrefix("+") && prefix.dropFirst().allSatisfy(\.isNumber)) {
            throw fail("prefixes", "\"\(prefix)\" is not + and digits")
        }
        self.prefixes = prefixes.map { Array($0.utf8) }
        let carriers = filter?.carriers ?? []
        if carriers.contains(where: \.isEmpty) { throw fail("carriers", "must not hold an empty name") }
        self.carriers = carriers.map { Array($0.utf8) }
        var directions = Set<CallDirection>()
        for name in filter?.directions ?? [] {
            guard let direction = CallDirection(rawValue: name) else {
                throw fail(
                    "directions",
                    "\"\(name)\" is not one of \(CallDirection.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            directions.insert(direction)
        }
        self.directions = directions
        offHours = filter?.offHours ?? false
        let hours = filter?.businessHours ?? "08-18"
        guard let businessHours = Self.hours(hours) else {
            throw fail("businessHours", "\"\(hours)\" is not HH-HH with the start before the end (e.g. 08-18)")
        }
        var days = Set<Int64>()
        for name in filter?.businessDays ?? ["mon", "tue", "wed", "thu", "fri"] {
            guard let index = Self.dayNames.firstIndex(of: name.lowercased()) else {
                throw fail("businessDays", "\"\(name)\" is not a day (mon … sun)")
            }
            days.insert(Int64(index))
        }
        let zone = filter?.timezone ?? "UTC"
        guard LocalTimeConverter(identifier: zone) != nil else {
            throw fail("timezone", "\"\(zone)\" is not a time zone")
        }
        week = BusinessCalendars.Calendar(hours: businessHours, days: days, holidays: [], zone: zone)
    }

    /// True when the rule counts this call.
    func matches(_ record: FraudRecord) -> Bool {
        if !prefixes.isEmpty && !Self.anyPrefix(prefixes, of: record.call.dialled) { return false }
        if !directions.isEmpty && !directions.contains(record.direction) { return false }
        if !carriers.isEmpty && !Self.anyInfix(carriers, of: record.call.carrier) { return false }
        if offHours
            && !(calendars.isOffHours(record.call.start, account: record.call.account)
                ?? isOffHours(record.call.start))
        {
            return false
        }
        return true
    }

    /// True when `text` starts with one of `prefixes`, compared as bytes.
    static func anyPrefix(_ prefixes: [[UInt8]], of text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            prefixes.contains { prefix in
                prefix.count <= bytes.count && prefix.indices.allSatisfy { bytes[$0] == prefix[$0] }
            }
        }
    }

    /// True when `text` holds one of `parts`, compared as bytes.
    static func anyInfix(_ parts: [[UInt8]], of text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            parts.contains { part in
                guard part.count <= bytes.count else { return false }
                return (0...(bytes.count - part.count)).contains { offset in
                    part.indices.allSatisfy { bytes[offset + $0] == part[$0] }
                }
            }
        }
    }

    /// True outside business hours or on a non-business day, in the filter's zone.
    func isOffHours(_ utc: Int64) -> Bool { calendars.isOffHours(utc, in: week) }

    /// Parses `HH-HH` local opening hours.
    static func hours(_ text: String) -> Range<Int64>? {
        let parts = text.split(separator: "-").compactMap { Int64($0) }
        guard parts.count == 2, (0...24).contains(parts[0]), (0...24).contains(parts[1]), parts[0] < parts[1] else {
            return nil
        }
        return parts[0]..<parts[1]
    }
}
