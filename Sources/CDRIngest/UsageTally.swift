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

    private struct Usage {
        var seconds: Int64 = 0
        var calls: Int64 = 0

        mutating func add(_ seconds: Int64, _ calls: Int64) {
            self.seconds += seconds
            self.calls += calls
        }
    }

    private var callers: [Key: Usage] = [:]
    private var accounts: [Key: Usage] = [:]

    /// Distinct keys and days held.
    var count: Int { callers.count + accounts.count }

    /// Counts a newly stored record: its answered seconds and, for its first part, one call, for its
    /// calling number and its account, when it is a leg the caller originated.
    mutating func add(_ record: CallRecord) {
        guard record.leg == .call || record.leg == .mobileOriginated else { return }
        let day = CallRecord.dayOf(record.start)
        let calls: Int64 = record.part <= 1 ? 1 : 0
        if !record.calling.isEmpty {
            callers[Key(key: record.calling, day: day), default: Usage()].add(record.billable, calls)
        }
        if !record.account.isEmpty {
            accounts[Key(key: record.account, day: day), default: Usage()].add(record.billable, calls)
        }
    }

    /// The usage held, in no order, with answered seconds as counted (accounts keyed `acct:` and the code).
    func entries() -> [DayUsage] {
        var result: [DayUsage] = []
        result.reserveCapacity(count)
        for (key, usage) in callers {
            result.append(DayUsage(key: key.key, day: UTCDay(key.day), seconds: usage.seconds, calls: usage.calls))
        }
        for (key, usage) in accounts {
            result.append(
                DayUsage(key: "acct:" + key.key, day: UTCDay(key.day), seconds: usage.seconds, calls: usage.calls)
            )
        }
        return result
    }

    /// Empties it.
    mutating func removeAll() {
        callers.removeAll(keepingCapacity: true)
        accounts.removeAll(keepingCapacity: true)
    }
}
