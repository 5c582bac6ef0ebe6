import CDRModel
import Foundation

extension ScenarioInjector {
    /// The robocall bursts.
    mutating func robocallAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let caller = "01632\(String(format: "%06d", 960_000 + number))"
        return series(
            caller,
            calls: subtle ? 100...150 : 150...349,
            at: base + 10 * 3600,
            spacing: subtle ? 20 : 15,
            ring: 6,
            dial: .mobile,
            talk: 5...24,
            answered: 0.2
        )
    }

    /// Legitimate traffic that looks like robocall bursts, to try to fool its detector: a call centre's
    /// dialler answering 35–50 % of its calls, whose rate over its first 50 attempts can read under 0.3.
    mutating func robocallLookalike(number: Int, base: Int64) -> [Made] {
        let dialer = "0161\(String(format: "%07d", 4_960_000 + number))"
        let rate = 0.35 + 0.15 * random.unit()
        var made: [Made] = []
        for workday in 0..<(span / UTCDay.seconds) {
            for n in 0..<(120 + random.below(80)) {
                let answered = random.unit() < rate
                let begin = start + workday * UTCDay.seconds + 9 * 3600 + Int64(n) * 25
                made.append(
                    (
                        make(
                            dialer,
                            "07700\(String(format: "%06d", random.below(999_999)))",
                            begin,
                            8,
                            answered ? Int64(90 + random.below(90)) : 0,
                            answered ? .answered : .noAnswer
                        ), "confounder", e164(dialer)
                    )
                )
            }
        }
        return made
    }
}
