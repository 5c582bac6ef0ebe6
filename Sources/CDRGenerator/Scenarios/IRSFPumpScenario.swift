import CDRModel
import Foundation

extension ScenarioInjector {
    /// The IRSF pumping: many callers with long calls into one range.
    mutating func pumpAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let at = base + 10 * 3600 + Int64(random.below(8 * 3600))
        let range = "0023799\(String(format: "%02d", number % 100))0"
        let callers = subtle ? 5 + random.below(3) : 6 + random.below(10)
        return (0..<callers).flatMap { n -> [Made] in
            let caller = "07700\(String(format: "%06d", 800_000 + number * 20 + n))"
            let first = at + Int64(random.below(50 * 60))
            return (0..<(subtle ? 1 : 1 + random.below(3))).map { k in
                let talk = Int64(400 + random.below(1600))
                let dialled = range + String(format: "%03d", random.below(99))
                return (
                    make(caller, dialled, first + Int64(k) * 2400, 4, talk, .answered), "attack",
                    "range:+23799\(String(format: "%02d", number % 100))0"
                )
            }
        }
    }

    /// Legitimate traffic that looks like IRSF pumping, to try to fool its detector.
    mutating func pumpLookalike(number: Int, base: Int64) -> [Made] {
        let hotline = "0033140\(String(format: "%06d", 100_000 + number))"
        return (0..<(10 + random.below(20))).map { n in
            let caller = randomMobile()
            let call = make(
                caller,
                hotline,
                base + 9 * 3600 + Int64(n) * 150,
                10,
                Int64(60 + random.below(200)),
                .answered
            )
            return (call, "confounder", "range:+331401")
        }
    }
}
