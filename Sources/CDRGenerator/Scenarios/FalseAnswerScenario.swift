import CDRModel
import Foundation

extension ScenarioInjector {
    /// The false answer supervision on a route.
    mutating func fasAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let route = "intl-gw3"
        let at = base + 9 * 3600 + Int64(random.below(6 * 3600))
        let hours = 2 + random.below(5)
        let fake = subtle ? 0.3 + random.unit() * 0.15 : 0.3 + random.unit() * 0.5
        let calls = hours * (60 + random.below(60))
        return (0..<calls).map { n in
            let begin = at + Int64(n) * Int64(hours * 3600 / calls)
            let invalid = !subtle && n == calls / 2 && number % 3 == 0
            let dialled =
                invalid
                ? "00910\(String(format: "%09d", random.below(999_999_999)))"
                : "0091\(String(format: "%010d", 7_000_000_000 + random.below(999_999_999)))"
            let caller = randomMobile()
            let call: GeneratedCall
            if invalid || random.unit() < fake {
                call = make(
                    caller,
                    dialled,
                    begin,
                    Int64(random.below(2)),
                    Int64(20 + random.below(40)),
                    .answered,
                    egress: route
                )
            } else {
                let ring = Int64(4 + random.below(20))
                let talk = Int64(subtle ? 30 + random.below(270) : random.below(300))
                let unanswered: Disposition = random.unit() < 0.5 ? .failed : .noAnswer
                call = make(
                    caller,
                    dialled,
                    begin,
                    ring,
                    talk,
                    subtle ? .answered : unanswered,
                    egress: route
                )
            }
            return (call, "attack", "route:SIP/\(route)/IN")
        }
    }

    /// Legitimate traffic that looks like false answer supervision on a route, to try to fool its detector.
    mutating func fasLookalike(number: Int, base: Int64) -> [Made] {
        let ivr = "0033170\(String(format: "%06d", 200_000 + number))"
        return (0..<(60 + random.below(60))).map { n in
            let caller = randomMobile()
            let call = make(
                caller,
                ivr,
                base + 10 * 3600 + Int64(n) * 45,
                0,
                Int64(60 + random.below(240)),
                .answered
            )
            return (call, "confounder", "route:SIP/\(TrafficGenerator.route(ivr))/FR")
        }
    }
}
