import CDRModel
import Foundation

extension ScenarioInjector {
    /// The simultaneous calls.
    mutating func concurrencyAttack(number: Int, base: Int64, subtle: Bool) -> [Made] {
        let caller = "07700\(String(format: "%06d", 950_000 + number))"
        return series(
            caller,
            calls: subtle ? 4...6 : 8...19,
            at: base + 14 * 3600,
            spacing: 30,
            ring: 3,
            dial: .london,
            talk: 1800...3599
        )
    }

    /// Legitimate traffic that looks like simultaneous calls, to try to fool its detector.
    mutating func concurrencyLookalike(number: Int, base: Int64) -> [Made] {
        if number % 2 == 1 { return usualPeakOfTwo(number: number, base: base) }
        let trunk = "0207\(String(format: "%07d", 9_460_000 + number))"
        return busyDays(
            trunk,
            days: start..<(start + span),
            calls: 60...99,
            hour: 9,
            spacing: 240,
            talk: 600...1799,
            mobile: false,
            role: "confounder"
        )
    }

    /// A small office line whose usual peak is two or three calls at once, every day from the first, and
    /// five at once on one day after the first week.
    private mutating func usualPeakOfTwo(number: Int, base: Int64) -> [Made] {
        let line = "0161\(String(format: "%07d", 4_460_000 + number))"
        var made: [Made] = []
        let busy = min(max(base, start + 7 * UTCDay.seconds), start + span - UTCDay.seconds)
        for day in stride(from: start, to: start + span, by: Int(UTCDay.seconds)) {
            let together = day == busy ? 5 : 2 + random.below(2)
            made += series(
                line,
                calls: together...together,
                at: day + 10 * 3600,
                spacing: 60,
                ring: 3,
                dial: .london,
                talk: 900...1500,
                role: "confounder"
            )
        }
        return made
    }
}
