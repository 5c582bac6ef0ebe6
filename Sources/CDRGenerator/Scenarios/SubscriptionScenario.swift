import CDRModel
import Foundation

extension ScenarioInjector {
    /// The subscription fraud on a new line.
    mutating func subscriptionAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let line = "07700\(String(format: "%06d", 910_000 + number))"
        var made: [Made] = []
        let abroadCalls = subtle ? 6 + random.below(3) : 0
        for day in 0..<Int64(subtle ? 1 : 2 + random.below(3)) {
            for n in 0..<(subtle ? 12 : 20 + random.below(30)) {
                let abroad = subtle ? n < abroadCalls : random.unit() < 0.8
                let dialled =
                    abroad
                    ? "00\(["234", "53", "880", "63"][random.below(4)])\(String(format: "%09d", 100_000_000 + random.below(899_999_999)))"
                    : "020\(String(format: "%08d", 30_000_000 + random.below(9_999_999)))"
                let begin = base + day * UTCDay.seconds + 9 * 3600 + Int64(n) * 900
                let talk = Int64(subtle ? 600 + random.below(60) : 300 + random.below(900))
                made.append((make(line, dialled, begin, 5, talk, .answered), "attack", e164(line)))
            }
        }
        return made
    }

    /// Legitimate traffic that looks like subscription fraud on a new line, to try to fool its detector.
    mutating func subscriptionLookalike(number: Int, base: Int64) -> [Made] {
        let line = "07700\(String(format: "%06d", 920_000 + number))"
        var made: [Made] = []
        for day in 0..<Int64(4) {
            for n in 0..<(10 + Int(day) * 12 + random.below(8)) {
                let dialled = "020\(String(format: "%08d", 30_000_000 + random.below(9_999_999)))"
                let begin = base + day * UTCDay.seconds + 8 * 3600 + Int64(n) * 1200
                made.append(
                    (
                        make(line, dialled, begin, 5, Int64(60 + random.below(400)), .answered), "confounder",
                        e164(line)
                    )
                )
            }
        }
        return made
    }
}
