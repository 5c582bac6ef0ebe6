import CDRModel
import Foundation

/// Deterministic, realistic UK-style traffic: a subscriber base calling mobiles, geographic and
/// non-geographic numbers, premium and international ranges and short codes, with a diurnal load
/// curve, a realistic disposition mix and call lengths, some diverted calls, and time-ordered starts.
public struct TrafficGenerator: Sequence, IteratorProtocol, Sendable {
    private var random: SplitMix64
    private let rows: Int
    private var produced = 0
    private let startEpoch: Int64
    private let span: Int64
    private let subscribers: Int
    private var clock: Int64

    /// Creates a generator of `rows` calls starting at `start` and spread over `days` days, made by
    /// `subscribers` lines (default: one per 40 calls, from 200 to 500,000).
    public init(rows: Int, seed: UInt64, start: Int64, days: Int, subscribers: Int? = nil) {
        random = SplitMix64(seed: seed)
        self.rows = rows
        startEpoch = start
        span = Int64(Swift.max(days, 1)) * UTCDay.seconds
        self.subscribers = Swift.max(subscribers ?? Swift.min(Swift.max(rows / 40, 200), 500_000), 1)
        clock = start
    }

    /// Relative call volume per hour of day (night trough, morning and afternoon peaks).
    private static let diurnal: [Double] = [
        0.2, 0.1, 0.08, 0.06, 0.06, 0.1, 0.3, 0.7, 1.2, 1.6, 1.8, 1.8, 1.6, 1.7, 1.8, 1.7, 1.6, 1.5, 1.3, 1.1, 0.9,
        0.7, 0.5, 0.3,
    ]
    private static let diurnalTotal = diurnal.reduce(0, +)
    /// International destinations: country code (with NANP area code) and national digits that follow.
    private static let international: [(prefix: String, digits: Int)] = [
        ("33", 9), ("49", 10), ("353", 9), ("1212", 7), ("1416", 7), ("91", 10), ("234", 10), ("48", 9), ("39", 10),
        ("34", 9), ("61", 9), ("86", 11),
    ]
    /// UK geographic area codes (four-digit forms, followed by seven digits).
    private static let areas = [
        "0113", "0114", "0115", "0116", "0117", "0118", "0121", "0131", "0141", "0151", "0161", "0191",
    ]
    private static let premium = ["0906", "0909", "0871", "0872"]
    private static let shortCodes = ["101", "111", "123", "150", "999", "100"]

    private mutating func subscriber(_ index: Int) -> String {
        let n = index % subscribers
        if n % 5 == 0 {
            return Self.areas[n % Self.areas.count] + String(2_000_000 + (n * 7_919) % 7_999_999)
        }
        return "07" + String(700_000_000 + (n * 104_729) % 299_999_999)
    }

    private mutating func destination() -> String {
        let roll = random.unit()
        if roll < 0.52 { return subscriber(random.below(subscribers)) }
        if roll < 0.72 { return "020" + String(30_000_000 + random.below(69_999_999)) }
        if roll < 0.78 { return ["0800", "0845", "0300"][random.below(3)] + String(100_000 + random.below(899_999)) }
        if roll < 0.80 {
            return Self.premium[random.below(Self.premium.count)] + String(1_000_000 + random.below(8_999_999))
        }
        if roll < 0.92 {
            let (prefix, digits) = Self.international[random.below(Self.international.count)]
            let national = String(
                UInt64(2 + random.below(7)) * 10_000_000_000 + UInt64(random.below(1_000_000_000)) * 10
            )
            return "00" + prefix + national.prefix(digits)
        }
        if roll < 0.95 { return Self.shortCodes[random.below(Self.shortCodes.count)] }
        return "07" + String(700_000_000 + random.below(299_999_999))
    }

    /// The time of the next call: a Poisson-like step scaled by the diurnal curve.
    private mutating func advance() -> Int64 {
        let mean = Double(span) / Double(Swift.max(rows, 1))
        let hour = Int(((clock - startEpoch) % UTCDay.seconds) / 3600)
        let weight: Double = Self.diurnal[hour] * 24.0 / Self.diurnalTotal
        let gap = -mean / Swift.max(weight, 0.05) * log1p(-random.unit() * 0.999)
        clock += Int64(gap.rounded())
        if clock >= startEpoch + span { clock = startEpoch + (clock - startEpoch) % span }
        return clock
    }

    /// The next call, or nil after `rows` calls.
    public mutating func next() -> GeneratedCall? {
        guard produced < rows else { return nil }
        produced += 1
        let start = advance()
        let roll = random.unit()
        let disposition: Disposition =
            roll < 0.70
            ? .answered : roll < 0.85 ? .noAnswer : roll < 0.92 ? .busy : roll < 0.97 ? .failed : .congestion
        let ring = Int64(2 + random.below(disposition == .noAnswer ? 30 : 18))
        var answer: Int64?
        var end = start + (disposition == .answered ? ring : disposition == .noAnswer ? ring : Int64(random.below(3)))
        if disposition == .answered {
            answer = start + ring
            let talk = Int64(exp(3.6 + 1.3 * gaussian()).rounded())
            end = answer! + Swift.min(Swift.max(talk, 1), 4 * 3600)
        }
        let callerIndex = random.below(subscribers)
        let caller = subscriber(callerIndex)
        let trunk = ["carrier-a", "carrier-b", "carrier-c", "pbx-north"][random.below(4)]
        let sequence = String(produced, radix: 16)
        let padded = String(repeating: "0", count: Swift.max(0, 8 - sequence.count)) + sequence
        var dialled = destination()
        var diverting: String?
        if random.unit() < 0.03 {
            diverting = dialled.hasPrefix("07") ? dialled : subscriber(random.below(subscribers))
            dialled = "07" + String(700_000_000 + random.below(299_999_999))
        }
        return GeneratedCall(
            source: caller,
            destination: dialled,
            diverting: diverting,
            start: start,
            answer: answer,
            end: end,
            disposition: disposition,
            channel: "SIP/\(trunk)-\(padded)",
            destinationChannel: "SIP/\(Self.route(dialled))-\(padded)",
            account: callerIndex % 7 == 0 ? "acct\(callerIndex / 7 % 50)" : "",
            uniqueID: "\(start).\(produced)"
        )
    }

    /// The egress trunk a call to `dialled` leaves on: one of two international gateways by country
    /// (their choice needs no random draw, so it leaves the stream as it was), or the domestic core.
    public static func route(_ dialled: String) -> String {
        guard dialled.hasPrefix("00"), dialled.utf8.count > 2 else { return "core" }
        return dialled.utf8.dropFirst(2).first! % 2 == 0 ? "intl-gw2" : "intl-gw1"
    }

    private mutating func gaussian() -> Double {
        let u = Swift.max(random.unit(), 1e-12)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * random.unit())
    }
}
