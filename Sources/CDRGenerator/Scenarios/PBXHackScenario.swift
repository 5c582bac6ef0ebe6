import CDRModel
import Foundation

extension ScenarioInjector {
    /// The PBX hacking: international calls out of hours.
    mutating func pbxAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let account = "pbx\(number)"
        let at = base + UTCDay.seconds - 3 * 3600 + Int64(random.below(2 * 3600))
        var made: [Made] = []
        for n in 0..<(subtle ? 0 : 10 + random.below(10)) {
            made.append(
                (
                    make(
                        "3\(10 + number)",
                        "00\(["33", "49", "53", "234"][n % 4])\(String(format: "%09d", 100_000_000 + random.below(899_999_999)))",
                        at + Int64(n * 20),
                        2,
                        0,
                        .failed,
                        account: account
                    ), "attack", "acct:" + account
                )
            )
        }
        for n in 0..<(subtle ? 5 + random.below(3) : 20 + random.below(30)) {
            made.append(
                (
                    make(
                        "3\(10 + number)",
                        "0053\(String(format: "%08d", 10_000_000 + random.below(89_999_999)))",
                        at + 600 + Int64(n * (subtle ? 240 : 45)),
                        4,
                        Int64(60 + random.below(600)),
                        .answered,
                        account: account
                    ), "attack", "acct:" + account
                )
            )
        }
        return made
    }

    /// Legitimate traffic that looks like PBX hacking: an account whose night shift calls its offices abroad
    /// every evening from the first day, out of hours, and on one evening (from the eighth day on, after the warm-up) calls five
    /// countries in 26 minutes — the habit the account is judged against.
    mutating func pbxLookalike(number: Int, base: Int64) -> [Made] {
        let account = "night\(number)"
        let line = "4\(10 + number)"
        let offices = ["33", "49", "353", "1212", "91"]
        func call(_ country: String, at begin: Int64) -> Made {
            let dialled = "00\(country)\(String(format: "%08d", 10_000_000 + random.below(89_999_999)))"
            let made = make(line, dialled, begin, 5, Int64(120 + random.below(480)), .answered, account: account)
            return (made, "confounder", "acct:" + account)
        }
        var made: [Made] = []
        for day in stride(from: start, to: start + span, by: Int(UTCDay.seconds)) {
            for n in 0..<(6 + random.below(5)) {
                made.append(call(offices[n % 2], at: day + 20 * 3600 + Int64(n) * 900 + Int64(random.below(600))))
            }
        }
        let evening = min(max(base, start + 7 * UTCDay.seconds), start + span - UTCDay.seconds) + 23 * 3600
        for (n, country) in offices.enumerated() { made.append(call(country, at: evening + Int64(n) * 390)) }
        return made
    }
}
