import CDRModel
import Foundation

/// Business hours per PBX account — time zone, opening hours, working days and public holidays — read
/// from a JSON calendars file, so off-hours rules follow each customer's own week. Accounts without an
/// entry use `default` (an account's own `holidays` replace the default's list; its other fields
/// default to the default's); without a calendars file, each rule's own filter hours apply.
///
/// ```json
/// {"default": {"timezone": "Europe/London", "hours": "08-18", "days": ["mon", "tue", "wed", "thu", "fri"],
///              "holidays": ["2026-12-25", "2026-12-28"]},
///  "accounts": {"acct7": {"timezone": "America/New_York", "hours": "09-17", "holidays": ["2026-11-26"]}}}
/// ```
public struct BusinessCalendars: Sendable {
    /// One account's week.
    public struct Calendar: Sendable {
        /// Local opening hours.
        public var hours: Range<Int64>
        /// Working weekdays (0 = Thursday, as day 0 of the epoch was).
        public var days: Set<Int64>
        /// Local day numbers (days since 1970-01-01) that are holidays.
        public var holidays: Set<Int64>
        let zone: String
    }

    private struct File: Decodable {
        struct Entry: Decodable {
            var timezone: String?
            var hours: String?
            var days: [String]?
            var holidays: [String]?
        }
        var `default`: Entry?
        var accounts: [String: Entry]?
    }

    private let fallback: Calendar?
    private let accounts: [String: Calendar]
    private let clocks: ClockCache

    /// No calendars: every rule keeps its own hours.
    public init() {
        fallback = nil
        accounts = [:]
        clocks = ClockCache()
    }

    /// Reads and validates a calendars file; errors name the file, the account and the field.
    public static func load(path: String) throws(FraudConfigError) -> BusinessCalendars {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FraudConfigError(file: path, line: nil, field: nil, problem: "cannot be read")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw FraudConfigError(file: path, line: nil, field: nil, problem: "is not a calendars file: \(error)")
        }
        return try BusinessCalendars(file: file, source: path)
    }

    private init(file: File, source: String) throws(FraudConfigError) {
        func compile(_ entry: File.Entry, _ name: String, base: Calendar?) throws(FraudConfigError) -> Calendar {
            func fail(_ field: String, _ problem: String) -> FraudConfigError {
                FraudConfigError(file: source, line: nil, field: "\(name).\(field)", problem: problem)
            }
            let zone = entry.timezone ?? base?.zone ?? "UTC"
            guard LocalTimeConverter(identifier: zone) != nil else {
                throw fail("timezone", "\"\(zone)\" is not a time zone")
            }
            var hours = base?.hours ?? 8..<18
            if let text = entry.hours {
                guard let parsed = CallFilter.hours(text) else {
                    throw fail("hours", "\"\(text)\" is not HH-HH with the start before the end (e.g. 08-18)")
                }
                hours = parsed
            }
            var days = base?.days ?? [4, 5, 6, 0, 1]
            if let names = entry.days {
                days = []
                for day in names {
                    guard let index = CallFilter.dayNames.firstIndex(of: day.lowercased()) else {
                        throw fail("days", "\"\(day)\" is not a day (mon … sun)")
                    }
                    days.insert(Int64(index))
                }
            }
            var holidays = entry.holidays == nil ? base?.holidays ?? [] : []
            for text in entry.holidays ?? [] {
                guard text.utf8.count == 10, let midnight = CivilTime.parseISO(text) else {
                    throw fail("holidays", "\"\(text)\" is not YYYY-MM-DD")
                }
                holidays.insert(midnight / 86_400)
            }
            return Calendar(hours: hours, days: days, holidays: holidays, zone: zone)
        }
        let fallback = try file.default.map { entry throws(FraudConfigError) in try compile(entry, "default", base: nil)
        }
        var accounts: [String: Calendar] = [:]
        for (account, entry) in (file.accounts ?? [:]).sorted(by: { $0.key < $1.key }) {
            accounts[account] = try compile(entry, "accounts.\(account)", base: fallback)
        }
        self.fallback = fallback
        self.accounts = accounts
        clocks = ClockCache()
    }

    /// Whether `utc` falls outside the business hours of `account`'s calendar; nil when no calendar
    /// covers the account.
    public func isOffHours(_ utc: Int64, account: String) -> Bool? {
        guard let calendar = accounts[account] ?? fallback else { return nil }
        return isOffHours(utc, in: calendar)
    }

    /// Whether `utc` falls outside a calendar's business hours, on a non-working day or on a holiday.
    func isOffHours(_ utc: Int64, in calendar: Calendar) -> Bool {
        let local = clocks.local(utc, zone: calendar.zone)
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let weekday = ((day % 7) + 7) % 7
        let hour = (local - day * 86_400) / 3600
        if !calendar.hours.contains(hour) || !calendar.days.contains(weekday) { return true }
        return !calendar.holidays.isEmpty && calendar.holidays.contains(day)
    }
}

/// Time-zone converters shared by the calendars, one per zone, behind a lock (they cache transitions).
/// The last zone and UTC quarter-hour asked are remembered: records come in time order and most accounts
/// share one calendar, so most calls are answered without a lookup (every zone's offset is a whole number
/// of quarter-hours, so one offset holds for a whole quarter-hour).
final class ClockCache: @unchecked Sendable {
    private var clocks: [String: LocalTimeConverter] = [:]
    private var last: (zone: String, quarter: Int64, offset: Int64)?
    private let lock = NSLock()

    func local(_ utc: Int64, zone: String) -> Int64 {
        let quarter = utc >= 0 ? utc / 900 : (utc - 899) / 900
        lock.lock()
        defer { lock.unlock() }
        if let last, last.quarter == quarter, last.zone == zone { return utc + last.offset }
        if clocks[zone] == nil { clocks[zone] = LocalTimeConverter(identifier: zone) }
        let local = clocks[zone]?.local(fromUTC: utc) ?? utc
        last = (zone, quarter, local - utc)
        return local
    }
}
