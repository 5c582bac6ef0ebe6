import CDRModel
import Foundation
import Testing

@Suite("Days, months and instants")
struct CalendarUnitTests {
    /// Foundation's Gregorian calendar in UTC: an arithmetic cdrpipe did not write.
    private static let gregorian: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    @Test("a day's date, start, end and month agree with Foundation's calendar, before and after 1970")
    func daysAgreeWithFoundation() {
        for number in stride(from: Int64(-800), through: 25_000, by: 37) {
            let day = UTCDay(number)
            let date = Date(timeIntervalSince1970: TimeInterval(day.start.rawValue))
            let parts = Self.gregorian.dateComponents([.year, .month, .day], from: date)
            #expect(day.date.year == Int64(parts.year!) && day.date.month == Int64(parts.month!))
            #expect(day.date.day == Int64(parts.day!), "day \(number)")
            #expect(day.end.rawValue - day.start.rawValue == UTCDay.seconds)
            #expect(EpochSeconds(day.end.rawValue - 1).day == day && EpochSeconds(day.end.rawValue).day == day.next)
            #expect(UTCDay(year: day.date.year, month: day.date.month, day: day.date.day) == day)
            let month = day.month
            #expect(month.days.contains(day))
            let length = Self.gregorian.range(of: .day, in: .month, for: date)!.count
            #expect(month.firstDay.distance(to: month.days.upperBound) + 1 == Int64(length), "\(month)")
        }
    }

    @Test("descriptions are ISO dates and months, zero-padded, and months follow each other")
    func descriptions() {
        #expect(UTCDay(year: 2024, month: 2, day: 29).description == "2024-02-29")
        #expect(UTCDay(0).description == "1970-01-01" && UTCDay(-1).description == "1969-12-31")
        #expect(MonthIndex(year: 2025, month: 12).description == "2025-12")
        #expect(MonthIndex(year: 2025, month: 12).next == MonthIndex(year: 2026, month: 1))
        #expect(MonthIndex(year: 2024, month: 2).days.count == 29 && MonthIndex(year: 2023, month: 2).days.count == 28)
        #expect(EpochSeconds(1_767_225_599).description == "2025-12-31T23:59:59Z")
    }

    @Test("adding months clamps to the target month's last day and keeps the time of day")
    func addingMonths() {
        let august31 = EpochSeconds(UTCDay(year: 2025, month: 8, day: 31).start.rawValue + 3_600)
        let february = august31.adding(months: 6)
        #expect(february.day == UTCDay(year: 2026, month: 2, day: 28))
        #expect(february.rawValue - february.day.start.rawValue == 3_600)
        #expect(february.adding(months: -6).day == UTCDay(year: 2025, month: 8, day: 28))
    }

    @Test("days and months are keys that sort and code as their numbers")
    func coding() throws {
        let days: [UTCDay: Int] = [UTCDay(3): 1, UTCDay(-2): 2]
        #expect(days.keys.sorted() == [UTCDay(-2), UTCDay(3)])
        let json = try JSONEncoder().encode([MonthIndex(year: 2026, month: 3)])
        #expect(String(decoding: json, as: UTF8.self) == "[\(2026 * 12 + 2)]")
        #expect(try JSONDecoder().decode([UTCDay].self, from: Data("[20000]".utf8)) == [UTCDay(20_000)])
    }
}
