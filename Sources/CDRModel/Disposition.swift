/// How a call ended, normalised across switch vendors.
public enum Disposition: UInt8, Sendable, CaseIterable, Codable {
    case answered = 0
    case noAnswer = 1
    case busy = 2
    case failed = 3
    case congestion = 4
    case cancelled = 5
    case unknown = 6

    /// The stable lower-case name used in the database, JSON output and mapping files.
    public var name: String {
        switch self {
        case .answered: "answered"
        case .noAnswer: "no_answer"
        case .busy: "busy"
        case .failed: "failed"
        case .congestion: "congestion"
        case .cancelled: "cancelled"
        case .unknown: "unknown"
        }
    }

    /// Reads a stable name (`no_answer`) or a common switch spelling (`NO ANSWER`, `CANCEL`), any case.
    public init?(name: String) {
        var bytes = Array(name.utf8)
        guard let value = bytes.withUnsafeMutableBytes({ Disposition(bytes: UnsafeRawBufferPointer($0)) }) else {
            return nil
        }
        self = value
    }

    /// Reads a disposition from raw field bytes without allocating; case and `_`/space are ignored.
    public init?(bytes: UnsafeRawBufferPointer) {
        for (word, value) in Self.spellings where Self.matches(bytes, word) {
            self = value
            return
        }
        return nil
    }

    private static let spellings: [(StaticString, Disposition)] = [
        ("ANSWERED", .answered), ("NO ANSWER", .noAnswer), ("BUSY", .busy), ("FAILED", .failed),
        ("CONGESTION", .congestion), ("CANCEL", .cancelled), ("CANCELLED", .cancelled), ("CANCELED", .cancelled),
        ("ANSWER", .answered), ("NOANSWER", .noAnswer), ("FAIL", .failed), ("UNKNOWN", .unknown),
    ]

    private static func matches(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        word.withUTF8Buffer { expected in
            guard bytes.count == expected.count else { return false }
            for (a, b) in zip(bytes, expected) {
                var upper = a >= 0x61 && a <= 0x7A ? a - 0x20 : a
                if upper == 0x5F { upper = 0x20 }
                if upper != b { return false }
            }
            return true
        }
    }
}
