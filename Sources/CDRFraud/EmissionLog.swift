/// When each severity was last emitted for one subject (for the snooze): two optional times, no allocation.
struct EmissionLog: Sendable {
    private var warning: Int64?
    private var critical: Int64?

    /// The last emission time of a severity.
    subscript(_ severity: Severity) -> Int64? {
        get { severity == .critical ? critical : warning }
        set {
            if severity == .critical { critical = newValue } else { warning = newValue }
        }
    }

    /// True when either severity was emitted less than `window` seconds before `now`: an alerted window,
    /// whose calls a detector does not learn from.
    func emitted(within window: Int64, of now: Int64) -> Bool {
        func recent(_ time: Int64?) -> Bool { time.map { now - $0 < window } ?? false }
        return recent(warning) || recent(critical)
    }
}
