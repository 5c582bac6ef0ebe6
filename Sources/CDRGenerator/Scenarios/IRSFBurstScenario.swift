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

    /// Legitimate traffic that looks like IRSF burst, to try to fool its detector: one to three calls to a
    /// country new for the account, or (every other one) an account that calls France every other day from
    /// the first and, after the first week, makes a single 64–127-minute call to a country new for it.
    mutating func burstLookalike(number: Int, base: Int64) -> [Made] {
        let account = "acct\(number % 50)"
        // Not the attacks' `2…` lines: look-alikes and attacks are numbered alike, and a shared line would
        // mix a look-alike's calls into an attack's evidence.
        let line = "5\(10 + number)"
        let dialled = "00685\(String(format: "%07d", 7_000_000 + number))"
        func call(_ to: String, at begin: Int64, talk: Int64) -> Made {
            (make(line, to, begin, 6, talk, .answered, account: account), "confounder", "acct:" + account)
        }
        guard number % 2 == 1 else {
            return (0..<(1 + random.below(3))).map { n in
                call(dialled, at: base + 19 * 3600 + Int64(n) * 1800, talk: Int64(300 + random.below(1200)))
            }
        }
        var made = stride(from: start, to: start + span, by: 2 * Int(UTCDay.seconds)).map { day in
            call(
                "0033\(String(format: "%09d", 100_000_000 + random.below(899_999_999)))",
                at: day + 11 * 3600,
                talk: 240
            )
        }
        let day = min(max(base, start + 7 * UTCDay.seconds), start + span - UTCDay.seconds)
        made.append(call(dialled, at: day + 19 * 3600, talk: Int64(3840 + random.below(3780))))
        return made
    }
}
