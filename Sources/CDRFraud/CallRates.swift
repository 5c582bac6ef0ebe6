import Foundation

/// What a minute to a destination costs the operator, for the money-at-risk estimate in alert reports: an
/// optional rate table by E.164 prefix (longest match wins), else a default per destination category.
/// The result is an estimate, and reports say so.
public struct CallRates: Sendable {
    /// The currency the rates are in, as reports print it (`EUR`).
    public var currency: String
    private var byPrefix: [String: Double] = [:]
    private var lengths: [Int] = []

    /// Per-minute defaults by category when no table rate applies: risk-range categories first, then the
    /// kind of number dialled. Wholesale termination rates seen in IRSF cases, rounded; an operator's own
    /// table replaces them.
    public static let categoryDefaults: [String: Double] = [
        "satellite": 5.00, "hrn": 2.00, "premium": 1.50, "test": 1.00, "risk": 1.00,
        "international": 0.30, "mobile": 0.05, "national": 0.02,
    ]

    /// Rates with no table: category defaults only.
    public init(currency: String = "EUR") {
        self.currency = currency
    }

    /// Rates from a table of `prefix` → per-minute rate.
    public init(currency: String = "EUR", rates: [String: Double]) {
        self.currency = currency
        byPrefix = rates
        lengths = Set(rates.keys.map(\.utf8.count)).sorted(by: >)
    }

    /// Reads `prefix,rate_per_minute` lines (`+8816,4.20`; a `prefix,` header and `#` comments are skipped);
    /// errors name the line and field.
    public static func load(path: String, currency: String = "EUR") throws(FraudConfigError) -> CallRates {
        var rates: [String: Double] = [:]
        for line in try PrefixTableLine.read(path) {
            guard line.fields.count == 2 else { throw line.fail("line", "needs prefix,rate_per_minute") }
            let prefix = try line.prefix()
            guard let rate = Double(line.fields[1]), rate.isFinite, rate >= 0 else {
                throw line.fail("rate_per_minute", "\"\(line.fields[1])\" is not a non-negative number")
            }
            rates[prefix] = rate
        }
        return CallRates(currency: currency, rates: rates)
    }

    /// The per-minute rate of a call to `dialled` in `category`, and where it came from (`table +8816`,
    /// `default satellite`).
    public func rate(dialled: String, category: String) -> (perMinute: Double, basis: String) {
        for length in lengths where length <= dialled.utf8.count {
            let prefix = String(dialled.utf8.prefix(length))!
            if let rate = byPrefix[prefix] { return (rate, "table \(prefix)") }
        }
        return (Self.categoryDefaults[category] ?? 0, "default \(category)")
    }
}
