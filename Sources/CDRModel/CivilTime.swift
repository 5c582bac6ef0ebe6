/// Calendar arithmetic on the proleptic Gregorian calendar without Foundation, for the parsing hot path.
public enum CivilTime {
    /// Days since 1970-01-01 of a calendar date (Howard Hinnant's `days_from_civil`).
    @inline(__always)
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The calendar date of a day number (inverse of ``days(year:month:day:)``).
    public static func date(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The unsigned decimal number in `count` bytes at `at`, or nil if any of them is not a digit.
    @inline(__always)
    package static func decimal(_ b: UnsafeRawBufferPointer, at: Int, count: Int) -> Int64? {
        var value: Int64 = 0
        for i in at..<(at + count) {
            let digit = b[i] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    /// The number of days in a month.
    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Seconds since the epoch of a wall-clock time read as UTC; nil when a field is out of range.
    public static func epoch(
        year: Int64,
        month: Int64,
        day: Int64,
        hour: Int64,
        minute: Int64,
        second: Int64
    ) -> Int64? {
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        return days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// The same wall-clock time `months` calendar months later (earlier when negative), the day clamped to
    /// the target month's length: 31 August minus six months is 28 (or 29) February.
    public static func adding(months: Int64, to epoch: Int64) -> Int64 {
        let dayNumber = epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400
        let secondOfDay = epoch - dayNumber * 86_400
        let (y, m, d) = date(days: dayNumber)
        let index = y * 12 + (m - 1) + months
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        let month = index - year * 12 + 1
        let day = min(d, daysInMonth(year: year, month: month))
        return days(year: year, month: month, day: day) * 86_400 + secondOfDay
    }

    /// The month index (`year * 12 + month - 1`) of a day number: the retention period a call belongs to.
    public static func monthIndex(days dayNumber: Int64) -> Int64 {
        let (y, m, _) = date(days: dayNumber)
        return y * 12 + m - 1
    }

    /// `YYYY-MM` of a month index.
    public static func monthName(_ index: Int64) -> String {
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        let month = index - year * 12 + 1
        return "\(year)-\(month < 10 ? "0" : "")\(month)"
    }

    /// The first day number of a month index.
    public static func firstDay(ofMonth index: Int64) -> Int64 {
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        return days(year: year, month: index - year * 12 + 1, day: 1)
    }

    /// Formats epoch seconds as `YYYY-MM-DDTHH:MM:SSZ`.
    public static func iso8601(_ epoch: Int64) -> String {
        let dayNumber = epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400
        let (y, m, d) = date(days: dayNumber)
        let secs = epoch - dayNumber * 86_400
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))Z"
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]` or `YYYY-MM-DD HH:MM:SS` (UTC unless an
    /// offset is given) to epoch seconds: the form every command-line date option accepts.
    public static func parseISO(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            return b.withUnsafeBytes { decimal($0, at: from, count: count) }
        }
        guard b.count >= 10, b[4] == 45, b[7] == 45, let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2) else {
            return nil
        }
        if b.count == 10 { return epoch(year: y, month: mo, day: d, hour: 0, minute: 0, second: 0) }
        guard b.count >= 16, b[10] == 84 || b[10] == 32, b[13] == 58, let h = num(11, 2), let mi = num(14, 2) else {
            return nil
        }
        var index = 16
        var s: Int64 = 0
        if b.count >= 19, b[16] == 58, let sec = num(17, 2) {
            s = sec
            index = 19
        }
        guard var result = epoch(year: y, month: mo, day: d, hour: h, minute: mi, second: s) else { return nil }
        if index == b.count { return result }
        if b[index] == 90, index + 1 == b.count { return result }
        guard b[index] == 43 || b[index] == 45, let oh = num(index + 1, 2) else { return nil }
        var om: Int64 = 0
        if b.count == index + 6, b[index + 3] == 58, let m = num(index + 4, 2) {
            om = m
        } else if b.count == index + 5, let m = num(index + 3, 2) {
            om = m
        } else if b.count != index + 3 {
            return nil
        }
        guard oh * 60 + om <= 14 * 60, om < 60 else { return nil }
        let offset = (oh * 3600 + om * 60) * (b[index] == 43 ? 1 : -1)
        result -= offset
        return result
    }
}
