import Foundation

/// A reference list of number ranges that carry fraud risk: IPRN test numbers, high-risk ranges,
/// premium and satellite ranges. File format (CSV, `#` comments):
/// `prefix,category,weight,source,added` — e.g. `+88213,test,1.0,synthetic,2026-01-01`.
public struct RiskRanges: Sendable {
    /// What a range is known for.
    public enum Category: String, Sendable, CaseIterable {
        case test, hrn, premium, satellite, risk
    }

    /// One listed range.
    public struct Range: Sendable, Equatable {
        /// The E.164 prefix, with `+`.
        public var prefix: String
        /// Its category.
        public var category: Category
        /// Weight 0–1 for severity.
        public var weight: Double
    }

    private var byPrefix: [Int64: Range] = [:]
    private var lengths: [Int] = []
    /// Per three leading digits (000–999): whether any range could match a number starting with them, so
    /// most numbers are answered by one array read instead of a lookup per listed prefix length.
    private var gate = [Bool](repeating: false, count: 1000)

    /// An empty list.
    public init() {}

    /// Ranges given directly.
    public init(_ ranges: [Range]) {
        for range in ranges { add(range) }
    }

    private mutating func add(_ range: Range) {
        let digits = Array(range.prefix.utf8.dropFirst())
        guard let key = Self.key(digits, length: digits.count) else { return }
        byPrefix[key] = range
        if !lengths.contains(digits.count) { lengths = (lengths + [digits.count]).sorted(by: >) }
        let span = [1000, 100, 10, 1][min(3, digits.count)]
        let first = digits.prefix(3).reduce(0) { $0 * 10 + Int($1 &- 0x30) } * span
        for index in first..<(first + span) { gate[index] = true }
    }

    /// The first `length` digits of `digits` as one number tagged with the length (at most 17 digits),
    /// or nil when they are not all digits.
    private static func key<C: Collection<UInt8>>(_ digits: C, length: Int) -> Int64? where C.Index == Int {
        guard length <= 17, length <= digits.count else { return nil }
        var value: Int64 = 0
        for index in digits.startIndex..<(digits.startIndex + length) {
            let digit = digits[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value << 5 | Int64(length)
    }

    /// Reads a ranges file; errors name the line and field.
    public static func load(path: String) throws(FraudConfigError) -> RiskRanges {
        var ranges = RiskRanges()
        for line in try PrefixTableLine.read(path) {
            let fields = line.fields
            guard fields.count >= 3 else { throw line.fail("line", "needs prefix,category,weight[,source,added]") }
            let prefix = try line.prefix()
            guard let category = Category(rawValue: fields[1]) else {
                throw line.fail("category", "\"\(fields[1])\" is not one of test, hrn, premium, satellite, risk")
            }
            guard let weight = Double(fields[2]), (0...1).contains(weight) else {
                throw line.fail("weight", "\"\(fields[2])\" is not a number from 0 to 1")
            }
            ranges.add(Range(prefix: prefix, category: category, weight: weight))
        }
        return ranges
    }

    /// The longest listed range a number falls in.
    public func match(_ number: String) -> Range? {
        guard !lengths.isEmpty else { return nil }
        var number = number
        return number.withUTF8 { bytes -> Range? in
            guard bytes.first == UInt8(ascii: "+") else { return nil }
            let digits = UnsafeBufferPointer(rebasing: bytes[1...])
            if digits.count >= 3 {
                let lead = Int(digits[0] &- 0x30) &* 100 &+ Int(digits[1] &- 0x30) &* 10 &+ Int(digits[2] &- 0x30)
                guard lead < 1000, gate[lead] else { return nil }
            }
            for length in lengths where length <= digits.count {
                if let key = Self.key(digits, length: length), let range = byPrefix[key] { return range }
            }
            return nil
        }
    }

    /// The number of ranges.
    public var count: Int { byPrefix.count }
}

/// A fraud rules or reference file could not be used: which file, line, rule or field, and why.
public struct FraudConfigError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// The line, for line-based files.
    public var line: Int?
    /// The rule id or field.
    public var field: String?
    /// What is wrong.
    public var problem: String

    /// Creates an error.
    public init(file: String, line: Int?, field: String?, problem: String) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
    }

    /// `file:line: field: problem`.
    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(field.map { "\($0): " } ?? "")\(problem)"
    }
}
