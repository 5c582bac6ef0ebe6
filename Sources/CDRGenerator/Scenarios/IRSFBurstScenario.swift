import CDRModel
import Foundation

extension ScenarioInjector {
    /// The IRSF burst: an account calling risky ranges far above its usual hour.
    mutating func burstAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let account = "acct\(number % 50)"
        let caller = "2\(10 + number)"
        let at = base + 18 * 3600 + Int64(random.below(4 * 3600))
        let channels = subtle ? 3 : 3 + random.below(4)
        var made: [Made] = []
        for _ in 0..<channels {
            var begin = at + Int64(random.below(300))
            for _ in 0..<(subtle ? 4 + random.below(2) : 3 + random.below(3)) {
                let talk = Int64(subtle ? 120 + random.below(480) : 300 + random.below(1200))
                let dialled = "00679\(String(format: "%07d", 9_000_000 + random.below(999_999)))"
                made.append(
                    (
                        make(caller, dialled, begin, 3, talk, .answered, account: account),
                        "attack", "acct:" + account
                    )
                )
                begin += 3 + talk + Int64(1 + random.below(10))
            }
        }
        return made
    }

    /// Legitimate traffic that looks like IRSF burst, to try to fool its detector.
    mutating func burstLookalike(number: Int, base: Int64) -> [Made] {
        let account = "acct\(number % 50)"
        let dialled = "00685\(String(format: "%07d", 7_000_000 + number))"
        return (0..<(1 + random.below(3))).map { n in
            let call = make(
                "2\(10 + number)",
                dialled,
                base + 19 * 3600 + Int64(n) * 1800,
                6,
                Int64(300 + random.below(1200)),
                .answered,
                account: account
            )
            return (call, "confounder", "acct:" + account)
        }
    }
}
