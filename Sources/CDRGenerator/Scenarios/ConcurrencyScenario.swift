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
}
