/// Counters the store can tell a monitoring system: what was loaded, what was raised, what was retained.
public struct StoreCounters: Sendable, Equatable {
    /// Files in the registry by status (`loading`, `loaded`, `failed`).
    public var files: [String: Int64] = [:]
    /// Records stored, duplicates skipped and records rejected, over all files.
    public var stored: Int64 = 0
    /// Duplicates skipped.
    public var duplicates: Int64 = 0
    /// Records rejected.
    public var rejected: Int64 = 0
    /// Alerts stored, by detector.
    public var alerts: [String: Int64] = [:]
    /// Retention runs finished.
    public var retentionRuns: Int64 = 0
    /// Epoch seconds of the last finished retention run, if any.
    public var lastRetentionRun: Int64?

    /// Creates empty counters.
    public init() {}
}
