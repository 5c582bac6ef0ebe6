import CDRModel

/// How a mapped CSV writes times: epoch seconds, epoch milliseconds, or a strftime-like pattern.
public enum TimeFormat: Sendable {
    case epochSeconds
    case epochMilliseconds
    case pattern([Token])

    /// One element of a pattern.
    public enum Token: Sendable, Equatable {
        case year, month, day, hour, minute, second, fraction
        case literal(UInt8)
    }

    /// The pattern used when a mapping names none.
    public static let defaultPattern = "%Y-%m-%d %H:%M:%S"

    /// Parses `epoch`, `epoch_ms` or a pattern.
    public init(_ text: String) throws(SourceError) {
        switch text {
        case "epoch": self = .epochSeconds
        case "epoch_ms": self = .epochMilliseconds
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
                case UInt8(ascii: "m"): tokens.append(.month)
                case UInt8(ascii: "d"): tokens.append(.day)
                case UInt8(ascii: "H"): tokens.append(.hour)
                case UInt8(ascii: "M"): tokens.append(.minute)
                case UInt8(ascii: "S"): tokens.append(.second)
                case UInt8(ascii: "f"): tokens.append(.fraction)
                case UInt8(ascii: "%"): tokens.append(.literal(UInt8(ascii: "%")))
                default: throw SourceError("time format \"\(text)\": unsupported directive (use %Y %m %d %H %M %S %f)")
                }
            }
            guard tokens.contains(.year), tokens.contains(.month), tokens.contains(.day) else {
                throw SourceError("time format \"\(text)\" needs %Y, %m and %d")
            }
            self = .pattern(tokens)
        }
    }

    /// Reads a time; `true` in the result means it is wall-clock time still to be zone-converted.
    public func read(_ b: UnsafeRawBufferPointer) -> (seconds: Int64, isLocal: Bool)? {
        switch self {
        case .epochSeconds:
            return FieldDecoding.integer(b).map { ($0, false) }
        case .epochMilliseconds:
            return FieldDecoding.integer(b).map { ($0 / 1000, false) }
        case .pattern(let tokens):
            var fields: [Int64] = [0, 1, 1, 0, 0, 0]
            var i = 0
            for token in tokens {
                switch token {
                case .literal(let byte):
                    guard i < b.count, b[i] == byte else { return nil }
                    i += 1
                case .fraction:
                    while i < b.count, b[i] &- 0x30 < 10 { i += 1 }
                default:
                    let width = token == .year ? 4 : 2
                    guard i + width <= b.count,
                        let v = FieldDecoding.integer(UnsafeRawBufferPointer(rebasing: b[i..<(i + width)])), v >= 0
                    else { return nil }
                    let slot: Int =
                        switch token {
                        case .year: 0
                        case .month: 1
                        case .day: 2
                        case .hour: 3
                        case .minute: 4
                        default: 5
                        }
                    fields[slot] = v
                    i += width
                }
            }
            guard i == b.count else { return nil }
            return CivilTime.epoch(
                year: fields[0],
                month: fields[1],
                day: fields[2],
                hour: fields[3],
                minute: fields[4],
                second: fields[5]
            ).map { ($0, true) }
        }
    }
}
