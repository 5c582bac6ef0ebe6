import CDRModel
import Foundation

extension ScenarioInjector {
    /// The usage far above profile.
    mutating func usageAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let line = "07700\(String(format: "%06d", 990_000 + number))"
        let burst = subtle ? 1 : Int64(1 + random.below(3))
        return history(line, until: base, subject: e164(line))
            + busyDays(
                line,
                days: base..<(base + burst * UTCDay.seconds),
                calls: subtle ? 6...8 : 12...31,
                hour: 7,
                spacing: 1800,
                talk: subtle ? 1200...1259 : 700...1900,
                mobile: true,
                role: "attack"
            )
    }

    /// Legitimate traffic that looks like usage far above profile, to try to fool its detector.
    mutating func usageLookalike(number: Int, base: Int64) -> [Made] {
        let line = "07700\(String(format: "%06d", 930_000 + number))"
        if number % 2 == 1 { return heavyFromTheStart(line) }
        var made = history(line, until: base, subject: e164(line)).map { ($0.call, "confounder", $0.subject) }
        for n in 0..<(8 + random.below(6)) {
            let begin = base + 8 * 3600 + Int64(n) * 3600
            made.append(
                (
                    make(
                        line,
                        "020\(String(format: "%08d", 30_000_000 + random.below(9_999_999)))",
                        begin,
                        5,
                        Int64(120 + random.below(300)),
                        .answered
                    ), "confounder", e164(line)
                )
            )
        }
        return made
    }

    /// A heavy user present from the first day of the data: about five hours a day, every day. An average
    /// starting at zero would read it far above its own usage for weeks.
    private mutating func heavyFromTheStart(_ line: String) -> [Made] {
        stride(from: start, to: start + span, by: Int(UTCDay.seconds)).flatMap { day in
            series(
                line,
                calls: 10...14,
                at: day + 8 * 3600,
                spacing: 2700,
                ring: 4,
                dial: .london,
                talk: 1200...2399,
                role: "confounder"
            )
        }
    }
}
