import Foundation

/// What one source has done, for health and metrics: when it last delivered a file and how many it has.
public struct SourceStatus: Sendable, Equatable {
    /// The source's name.
    public var name: String
    /// Complete files waiting at the last look.
    public var pending = 0
    /// Files loaded since start.
    public var loaded = 0
    /// Files failed since start.
    public var failed = 0
    /// Requests pushed over HTTP and stored since start.
    public var pushed = 0
    /// Records stored since start.
    public var records: Int64 = 0
    /// When the last file or push was handled (nil: none since start).
    public var lastFileAt: Date?
    /// Minutes without a file or push after which the source is stale (nil: never).
    public var staleMinutes: Double?
    /// When the service started watching it.
    public var since: Date
    /// When the oldest complete file still waiting arrived (nil: none waiting): the source's lag.
    public var oldestPending: Date?
    /// Records stored per second over the last full minute.
    public var recordsPerSecond = 0.0
    private var minuteStart: Date?
    private var minuteRecords: Int64 = 0

    /// Creates the status of a source watched since `since`.
    public init(name: String, staleMinutes: Double?, since: Date) {
        self.name = name
        self.staleMinutes = staleMinutes
        self.since = since
    }

    /// Counts `count` records stored at `now` into the total and the per-minute rate.
    public mutating func stored(_ count: Int64, at now: Date) {
        records += count
        let start = minuteStart ?? since
        if now.timeIntervalSince(start) >= 60 {
            recordsPerSecond = Double(minuteRecords) / now.timeIntervalSince(start)
            minuteStart = now
            minuteRecords = 0
        }
        minuteRecords += count
        lastFileAt = now
    }

    /// Seconds the oldest waiting file has waited.
    public func lagSeconds(now: Date) -> Double { oldestPending.map { max(0, now.timeIntervalSince($0)) } ?? 0 }

    /// True when no file has come for `staleMinutes` (counted from start before the first file).
    public func isStale(now: Date) -> Bool {
        guard let staleMinutes else { return false }
        return now.timeIntervalSince(lastFileAt ?? since) > staleMinutes * 60
    }
}
