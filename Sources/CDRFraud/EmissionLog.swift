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
}
