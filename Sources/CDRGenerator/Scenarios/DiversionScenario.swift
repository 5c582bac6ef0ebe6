import CDRModel
import Foundation

extension ScenarioInjector {
    /// The diversion abuse.
    mutating func diversionAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let diverter = "07700\(String(format: "%06d", 970_000 + number))"
        let at = base + 12 * 3600
        return (0..<(subtle ? 3 + random.below(2) : 5 + random.below(20))).map { n in
            let caller = "07700\(String(format: "%06d", random.below(999_999)))"
            let target =
                subtle
                ? "00336\(String(format: "%08d", random.below(99_999_999)))"
                : "002529\(String(format: "%06d", random.below(50)))"
            var call = make(
                caller,
                target,
                at + Int64(n) * (subtle ? 900 : 600),
                3,
                Int64(600 + random.below(1200)),
                .answered
            )
            call.diverting = diverter
            return (call, "attack", e164(diverter))
        }
    }

    /// Legitimate traffic that looks like diversion abuse, to try to fool its detector.
    mutating func diversionLookalike(number: Int, base: Int64) -> [Made] {
        let expat = "07700\(String(format: "%06d", 980_000 + number))"
        return (0..<(1 + random.below(3))).map { n in
            var call = make(
                "07700\(String(format: "%06d", random.below(999_999)))",
                "0034\(String(format: "%09d", 612_000_000 + number))",
                base + 11 * 3600 + Int64(n) * 7200,
                5,
                Int64(120 + random.below(600)),
                .answered
            )
            call.diverting = expat
            return (call, "confounder", e164(expat))
        }
    }
}
