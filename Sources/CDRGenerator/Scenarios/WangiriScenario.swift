import CDRModel
import Foundation

extension ScenarioInjector {
    /// The Wangiri: one international number ringing many subscribers briefly, some calling back.
    mutating func wangiriAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let caller = "002348\(String(format: "%09d", 30_000_000 + number * 1_000 + random.below(999)))"
        let at = base + 2 * 3600 + Int64(random.below(4 * 3600))
        let targets = subtle ? 30 + random.below(16) : 60 + random.below(140)
        var made: [Made] = (0..<targets).map { n in
            let ring = Int64(1 + random.below(3))
            let begin = at + Int64(n) * Int64(3 + random.below(25))
            return (
                make(caller, "07700\(String(format: "%06d", random.below(999_999)))", begin, ring, 0, .noAnswer),
                "attack", e164(caller)
            )
        }
        for victim in made.map(\.call) where random.unit() < 0.045 {
            let delay = Int64(300 + random.below(48 * 3600))
            let talk = Int64(60 + random.below(180))
            made.append(
                (
                    make(victim.destination, caller, victim.start + delay, 5, talk, .answered), "callback",
                    e164(caller)
                )
            )
        }
        return made
    }

    /// Legitimate traffic that looks like Wangiri, to try to fool its detector.
    mutating func wangiriLookalike(number: Int, base: Int64) -> [Made] {
        let family = "0033\(String(format: "%09d", 600_000_000 + number * 7_919 % 99_999_999))"
        let relatives = (0..<3).map { _ in "07700\(String(format: "%06d", random.below(999_999)))" }
        var made: [Made] = []
        for n in 0..<(4 + random.below(6)) {
            let answered = random.unit() < 0.6
            let begin = base + 18 * 3600 + Int64(n) * 1200
            let talk = answered ? Int64(300 + random.below(1200)) : 0
            made.append(
                (
                    make(
                        family,
                        relatives[n % 3],
                        begin,
                        Int64(answered ? 8 : 3),
                        talk,
                        answered ? .answered : .noAnswer
                    ), "confounder", e164(family)
                )
            )
            if !answered {
                made.append(
                    (
                        make(relatives[n % 3], family, begin + 600, 6, Int64(120 + random.below(600)), .answered),
                        "confounder", e164(family)
                    )
                )
            }
        }
        return made
    }
}
