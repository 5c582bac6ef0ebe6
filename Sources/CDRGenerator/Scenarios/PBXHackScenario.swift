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
}
