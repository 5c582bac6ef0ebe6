import CDRModel
import Foundation

extension ScenarioInjector {
    /// The premium-rate calls.
    mutating func premiumAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let caller = "07700\(String(format: "%06d", 900_000 + number))"
        return series(
            caller,
            calls: subtle ? 10...15 : 20...39,
            at: base + 8 * 3600,
            spacing: subtle ? 3600 : 1800,
            ring: 5,
            dial: .premium,
            talk: subtle ? 60...239 : 600...2399
        )
    }

    /// Legitimate traffic that looks like premium-rate calls, to try to fool its detector.
    mutating func premiumLookalike(number: Int, base: Int64) -> [Made] {
        let line = "0909\(String(format: "%07d", 8_800_000 + number))"
        return (0..<(50 + random.below(50))).map { n in
            (
                make(
                    randomMobile(),
                    line,
                    base + 20 * 3600 + Int64(n) * 20,
                    2,
                    60,
                    .answered
                ), "confounder", e164(line)
            )
        }
    }
}
