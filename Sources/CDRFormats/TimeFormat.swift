import CDRModel

/// How a mapped CSV writes times: epoch seconds or milliseconds, ISO 8601, or a strftime-like pattern.
///
/// Pattern numbers may be written without zero padding (`1/9/2017 6:03:01`) wherever a non-digit follows
/// them; run together (`%Y%m%d%H%M%S`) they take their full width.
public enum TimeFormat: Sendable {
    case epochSeconds
    case epochMilliseconds
    /// `YYYY-MM-DD`, `T` or a space, `hh:mm[:ss[.fff]]`, then `Z`, `±hh:mm`, `±hhmm`, `±hh` or nothing
    /// (local time).
    case iso8601
    case pattern([Token])

    /// One element of a pattern.
    public enum Token: Sendable, Equatable {
        /// `%Y` four-digit year; `%y` two-digit year (69–99 are 1969–1999, 00–68 2000–2068).
        case year, shortYear
        /// `%m` month number; `%b` month name (`Jan`, `January`, any case).
        case month, monthName
        /// `%d` day, `%H` hour 0–23, `%I` hour 1–12, `%M` minute, `%S` second.
        case day, hour, hour12, minute, second
        /// `%f` fraction digits (ignored); `%p` AM or PM; `%z` `Z` or a UTC offset.
        case fraction, meridiem, zone
        case literal(UInt8)

        var isNumber: Bool {
            switch self {
            case .year, .shortYear, .month, .day, .hour, .hour12, .minute, .second, .fraction: true
            default: false
            }
        }

        var width: Int { self == .year ? 4 : 2 }
    }

    /// The pattern used when a mapping names none.
    public static let defaultPattern = "%Y-%m-%d %H:%M:%S"

    /// Parses `epoch`, `epoch_ms`, `iso8601` or a pattern.
    public init(_ text: String) throws(SourceError) {
        switch text {
        case "epoch": self = .epochSeconds
        case "epoch_ms": self = .epochMilliseconds
        case "iso8601": self = .iso8601
        default:
            var tokens: [Token] = []
            var bytes = Array(text.utf8)[...]
            while let byte = bytes.popFirst() {
                guard byte == UInt8(ascii: "%") else {
                    tokens.append(.literal(byte))
                    continue
                }
                switch bytes.popFirst() {
                case UInt8(ascii: "Y"): tokens.append(.year)
                case UInt8(ascii: "y"): tokens.append(.shortYear)
                case UInt8(ascii: "m"): tokens.append(.month)
                case UInt8(ascii: "b"), UInt8(ascii: "B"): tokens.append(.monthName)
                case UInt8(ascii: "d"), UInt8(ascii: "e"): tokens.append(.day)
                case UInt8(ascii: "H"): tokens.append(.hour)
                case UInt8(ascii: "I"): tokens.append(.hour12)
                case UInt8(ascii: "M"): tokens.append(.minute)
                case UInt8(ascii: "S"): tokens.append(.second)
                case UInt8(ascii: "f"): tokens.append(.fraction)
                case UInt8(ascii: "p"): tokens.append(.meridiem)
                case UInt8(ascii: "z"): tokens.append(.zone)
                case UInt8(ascii: "%"): tokens.append(.literal(UInt8(ascii: "%")))
                default:
                    throw SourceError(
                        "time format \"\(text)\": unsupported directive (use %Y %y %m %b %d %H %I %M %S %f %p %z)"
                    )
                }
            }
            let hasYear = tokens.contains(.year) || tokens.contains(.shortYear)
            let hasMonth = tokens.contains(.month) || tokens.contains(.monthName)
            guard hasYear, hasMonth, tokens.contains(.day) else {
                throw SourceError("time format \"\(text)\" needs a year (%Y or %y), a month (%m or %b) and %d")
            }
            if tokens.contains(.hour12) != tokens.contains(.meridiem) {
                throw SourceError("time format \"\(text)\": %I (12-hour clock) and %p (AM/PM) go together")
            }
            self = .pattern(tokens)
        }
    }

    /// Reads a time; `isLocal` means wall-clock time still to be zone-converted.
    public func read(_ b: UnsafeRawBufferPointer) -> (seconds: Int64, isLocal: Bool)? {
        switch self {
        case .epochSeconds:
            return Self.epoch(b).map { ($0, false) }
        case .epochMilliseconds:
            return Self.epoch(b).map { ($0 / 1000, false) }
        case .iso8601:
            return Self.iso8601(b)
        case .pattern(let tokens):
            return Self.read(b, tokens)
        }
    }

    /// The decimal number in `count` bytes at `at`, or nil when they run past the value or are not digits.
    private static func number(_ b: UnsafeRawBufferPointer, at: Int, count: Int) -> Int64? {
        guard at >= 0, at + count <= b.count else { return nil }
        return CivilTime.decimal(b, at: at, count: count)
    }

    /// Whole seconds of an epoch value, a fraction after `.` dropped.
    private static func epoch(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard let dot = b.firstIndex(of: UInt8(ascii: ".")) else { return FieldDecoding.integer(b) }
        guard b[(dot + 1)...].allSatisfy({ $0 &- 0x30 < 10 }) else { return nil }
        return FieldDecoding.integer(UnsafeRawBufferPointer(rebasing: b[..<dot]))
    }

    private static let monthNames: [[UInt8]] = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ].map { Array($0.utf8) }

    /// The month named at `i` (full or first three letters, any case) and the bytes it took.
    private static func monthName(_ b: UnsafeRawBufferPointer, at i: Int) -> (Int64, Int)? {
        func lower(_ k: Int) -> UInt8 { b[k] | 0x20 }
        for (index, name) in monthNames.enumerated() {
            if i + name.count <= b.count, (0..<name.count).allSatisfy({ lower(i + $0) == name[$0] }) {
                return (Int64(index + 1), name.count)
            }
        }
        for (index, name) in monthNames.enumerated() {
            if i + 3 <= b.count, (0..<3).allSatisfy({ lower(i + $0) == name[$0] }) { return (Int64(index + 1), 3) }
        }
        return nil
    }

    /// A UTC offset at `i`: `Z`, `±hh`, `±hhmm` or `±hh:mm`; the seconds east of UTC and the bytes taken.
    private static func zone(_ b: UnsafeRawBufferPointer, at i: Int) -> (Int64, Int)? {
        guard i < b.count else { return nil }
        if b[i] | 0x20 == UInt8(ascii: "z") { return (0, 1) }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return nil }
        let sign: Int64 = b[i] == UInt8(ascii: "+") ? 1 : -1
        guard let hours = number(b, at: i + 1, count: 2), hours <= 14 else { return nil }
        var taken = 3
        var minutes: Int64 = 0
        if i + 3 < b.count {
            let colon = b[i + 3] == UInt8(ascii: ":") ? 1 : 0
            guard let m = number(b, at: i + 3 + colon, count: 2), m < 60 else { return nil }
            minutes = m
            taken += 2 + colon
        }
        return (sign * (hours * 3600 + minutes * 60), taken)
    }

    /// Reads `b` with the format's `tokens`; nil unless the tokens take every byte and make a valid time.
    private static func read(_ b: UnsafeRawBufferPointer, _ tokens: [Token]) -> (seconds: Int64, isLocal: Bool)? {
        var parts = Parts()
        var i = 0
        for (n, token) in tokens.enumerated() {
            switch token {
            case .literal(let byte):
                guard i < b.count, b[i] == byte else { return nil }
                i += 1
            case .fraction:
                while i < b.count, b[i] &- 0x30 < 10 { i += 1 }
            case .monthName:
                guard let (value, taken) = monthName(b, at: i) else { return nil }
                parts.month = value
                i += taken
            case .meridiem:
                guard let pm = meridiem(b, at: i) else { return nil }
                parts.pm = pm
                i += 2
            case .zone:
                guard let (value, taken) = zone(b, at: i) else { return nil }
                parts.offset = value
                i += taken
            default:
                let runTogether = n + 1 < tokens.count && tokens[n + 1].isNumber
                let width = token.width
                var digits = 0
                var value: Int64 = 0
                while digits < width, i < b.count, b[i] &- 0x30 < 10 {
                    value = value * 10 + Int64(b[i] &- 0x30)
                    digits += 1
                    i += 1
                }
                guard digits == width || (digits >= 1 && !runTogether && token != .year) else { return nil }
                guard parts.set(token, value) else { return nil }
            }
        }
        guard i == b.count else { return nil }
        return parts.seconds()
    }

    /// `AM` or `PM` (either case) at `i`: true for PM, nil for neither.
    @inline(__always)
    private static func meridiem(_ b: UnsafeRawBufferPointer, at i: Int) -> Bool? {
        guard i + 1 < b.count, b[i + 1] | 0x20 == UInt8(ascii: "m") else { return nil }
        switch b[i] | 0x20 {
        case UInt8(ascii: "a"): return false
        case UInt8(ascii: "p"): return true
        default: return nil
        }
    }

    /// The parts of a time as a format reads them.
    private struct Parts {
        var year: Int64 = 0
        var month: Int64 = 1
        var day: Int64 = 1
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var pm: Bool?
        var offset: Int64?

        /// Sets the part a numeric `token` names; false when `value` cannot be it.
        @inline(__always)
        mutating func set(_ token: Token, _ value: Int64) -> Bool {
            switch token {
            case .year: year = value
            case .shortYear: year = value < 69 ? 2000 + value : 1900 + value
            case .month: month = value
            case .day: day = value
            case .hour: hour = value
            case .hour12:
                guard (1...12).contains(value) else { return false }
                hour = value
            case .minute: minute = value
            default: second = value
            }
            return true
        }

        /// Epoch seconds, and whether they are local time (no zone was read); nil for an invalid time.
        @inline(__always)
        func seconds() -> (seconds: Int64, isLocal: Bool)? {
            var hour = hour
            if let pm {
                guard (1...12).contains(hour) else { return nil }
                hour = hour % 12 + (pm ? 12 : 0)
            }
            guard hour < 24, minute < 60, second < 61,
                let local = CivilTime.epoch(
                    year: year,
                    month: month,
                    day: day,
                    hour: hour,
                    minute: minute,
                    second: second
                )
            else { return nil }
            if let offset { return (local - offset, false) }
            return (local, true)
        }
    }

    private static func iso8601(_ b: UnsafeRawBufferPointer) -> (seconds: Int64, isLocal: Bool)? {
        guard b.count >= 16, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "t"),
            b[13] == UInt8(ascii: ":"), let year = number(b, at: 0, count: 4),
            let month = number(b, at: 5, count: 2), let day = number(b, at: 8, count: 2),
            let hour = number(b, at: 11, count: 2), let minute = number(b, at: 14, count: 2)
        else { return nil }
        var i = 16
        var second: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            guard let s = number(b, at: i + 1, count: 2) else { return nil }
            second = s
            i += 3
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                while i < b.count, b[i] &- 0x30 < 10 { i += 1 }
            }
        }
        var offset: Int64?
        if i < b.count {
            guard let (value, taken) = zone(b, at: i), i + taken == b.count else { return nil }
            offset = value
        }
        guard hour < 24, minute < 60, second < 61,
            let local = CivilTime.epoch(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        return offset.map { (local - $0, false) } ?? (local, true)
    }
}

/// How a mapped CSV writes durations: seconds or milliseconds, whole or with a fraction, or as a clock
/// (`HH:MM:SS`, `MM:SS`), which is recognised by its colons whatever the unit.
public enum DurationFormat: String, Sendable, Codable {
    case seconds
    case milliseconds

    /// The whole seconds a field says (fractions rounded); nil when it is no duration.
    public func read(_ b: UnsafeRawBufferPointer) -> Int64? {
        if b.contains(UInt8(ascii: ":")) {
            var total: Int64 = 0
            var parts = 0
            var i = 0
            while i <= b.count {
                var value: Int64 = 0
                var digits = 0
                while i < b.count, b[i] &- 0x30 < 10 {
                    guard digits < 9 else { return nil }
                    value = value * 10 + Int64(b[i] &- 0x30)
                    digits += 1
                    i += 1
                }
                guard digits >= 1 else { return nil }
                if parts > 0 { guard value < 60 else { return nil } }
                total = total * 60 + value
                parts += 1
                if i == b.count { break }
                if b[i] == UInt8(ascii: ".") {
                    i += 1
                    guard i < b.count, b[i...].allSatisfy({ $0 &- 0x30 < 10 }) else { return nil }
                    if b[i] >= UInt8(ascii: "5") { total += 1 }
                    break
                }
                guard b[i] == UInt8(ascii: ":"), parts < 3 else { return nil }
                i += 1
            }
            return parts >= 2 ? total : nil
        }
        let whole: Int64
        var roundUp = false
        if let dot = b.firstIndex(of: UInt8(ascii: ".")) {
            guard let value = FieldDecoding.integer(UnsafeRawBufferPointer(rebasing: b[..<dot])), dot + 1 < b.count,
                b[(dot + 1)...].allSatisfy({ $0 &- 0x30 < 10 })
            else { return nil }
            whole = value
            roundUp = b[dot + 1] >= UInt8(ascii: "5")
        } else {
            guard let value = FieldDecoding.integer(b) else { return nil }
            whole = value
        }
        guard whole >= 0, whole < Int64.max / 2 else { return nil }
        switch self {
        case .seconds: return whole + (roundUp ? 1 : 0)
        case .milliseconds: return (whole + 500) / 1000
        }
    }
}
