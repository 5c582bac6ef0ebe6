import CDRModel
import CDRStorage

/// One file's usage per calling number and per account and day, counted as its records are stored, so the
/// profiles are folded at the file's end without reading the records back. Bounded by the caller, which
/// stages it in the store when it grows past a limit.
struct UsageTally {
    private struct Key: Hashable {
        var key: String
        var day: Int64
    }

    private var seconds: [Key: (seconds: Int64, calls: Int64)] = [:]

    /// Distinct keys and days held.
    var count: Int { seconds.count }

    /// Counts a newly stored record: its answered seconds and, for its first part, one call, for its
    /// calling number and its account, when it is a leg the caller originated.
    mutating func add(_ record: CallRecord) {
        guard record.leg == .call || record.leg == .mobileOriginated else { return }
        let day = CallRecord.dayOf(record.start)
        let calls: Int64 = record.part <= 1 ? 1 : 0
        if !record.calling.isEmpty { count(Key(key: record.calling, day: day), record.billable, calls) }
        if !record.account.isEmpty { count(Key(key: "acct:" + record.account, day: day), record.billable, calls) }
    }

    private mutating func count(_ key: Key, _ billable: Int64, _ calls: Int64) {
        seconds[key, default: (0, 0)].seconds += billable
        seconds[key, default: (0, 0)].calls += calls
    }

    /// The usage held, sorted by key then day, with answered seconds as counted.
    func entries() -> [StagedUsage] {
        seconds.map { StagedUsage(key: $0.key.key, day: $0.key.day, seconds: $0.value.seconds, calls: $0.value.calls) }
            .sorted { ($0.key, $0.day) < ($1.key, $1.day) }
    }

    /// Empties it.
    mutating func removeAll() { seconds.removeAll(keepingCapacity: true) }
}
