import CDRModel
import Foundation

extension ScenarioInjector {
    /// The IRSF: test-number and high-risk calls from a hacked line.
    mutating func irsfAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let account = "victim\(number)"
        let at = base + 19 * 3600 + Int64(random.below(3 * 3600))
        if subtle {
            let line = "2\(10 + number)"
            let dialled = "002529\(String(format: "%06d", random.below(50)))"
            let talk = Int64(60 + random.below(480))
            return [(make(line, dialled, at, 3, talk, .answered, account: account), "attack", e164(line))]
        }
        var made: [Made] = [
            (
                make(
                    "2\(10 + number)",
                    "0088213\(String(format: "%06d", random.below(999_999)))",
                    at,
                    4,
                    Int64(10 + random.below(50)),
                    .answered,
                    account: account
                ), "test", "+44\(number)"
            )
        ]
        let end = at + 600 + Int64(3600 + random.below(2 * 3600))
        for _ in 0..<(2 + random.below(4)) {
            var begin = at + 600 + Int64(random.below(300))
            while begin < end {
                let talk = Int64(300 + random.below(1500))
                made.append(
                    (
                        make(
                            "2\(10 + number)",
                            "002529\(String(format: "%06d", random.below(50)))",
                            begin,
                            3,
                            talk,
                            .answered,
                            account: account
                        ), "attack", ""
                    )
                )
                begin += 3 + talk + Int64(1 + random.below(10))
            }
        }
        let caller = e164(made[0].call.source)
        return made.map { ($0.call, $0.role, caller) }
    }
}
