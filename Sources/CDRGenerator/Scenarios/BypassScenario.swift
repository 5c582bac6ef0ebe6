import CDRModel
import Foundation

extension ScenarioInjector {
    /// The SIM box on a trunk: home numbers arriving on international ingress.
    mutating func bypassAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let at = base + 8 * 3600 + Int64(random.below(8 * 3600))
        let hours = subtle ? 1 : 2 + random.below(4)
        let calls = subtle ? 10 + random.below(6) : hours * (30 + random.below(90))
        let seconds = subtle ? 50 * 60 : hours * 3600
        return (0..<calls).map { n in
            let begin = at + Int64(n) * Int64(seconds / calls)
            let answered = random.unit() < 0.6
            let call = make(
                randomMobile(),
                randomMobile(),
                begin,
                5,
                answered ? Int64(30 + random.below(400)) : 0,
                answered ? .answered : .noAnswer,
                channel: "SIP/intl-in-\(number % 3)"
            )
            return (call, "attack", "trunk:SIP/intl-in-\(number % 3)")
        }
    }

    /// Legitimate traffic that looks like SIM box on a trunk, to try to fool its detector.
    mutating func bypassLookalike(number: Int, base: Int64) -> [Made] {
        let roamer = randomMobile()
        return (0..<(1 + random.below(4))).map { n in
            let call = make(
                roamer,
                "020\(String(format: "%08d", 30_000_000 + random.below(9_999_999)))",
                base + 12 * 3600 + Int64(n) * 3600,
                5,
                Int64(60 + random.below(600)),
                .answered,
                channel: "SIP/intl-in-\(number % 3)"
            )
            return (call, "confounder", "trunk:SIP/intl-in-\(number % 3)")
        }
    }
}
