import CDRModel

/// One caller's usage on one day in one loaded file: what a file adds to the profiles.
public struct DayUsage: Sendable, Equatable {
    /// The calling number, or `acct:` and the account code.
    public var key: String
    /// The day.
    public var day: UTCDay
    /// Answered seconds.
    public var seconds: Int64
    /// Calls.
    public var calls: Int64

    /// Creates a day's usage.
    public init(key: String, day: UTCDay, seconds: Int64, calls: Int64) {
        self.key = key
        self.day = day
        self.seconds = seconds
        self.calls = calls
    }

    /// Answered minutes.
    public var minutes: Double { Double(seconds) / 60 }
}

/// Where callers' profiles are kept (see ``CallerProfile``), so that the same code folds, reads, exports
/// and expires them over SQLite and PostgreSQL.
public protocol ProfileStore: AnyObject {
    /// The usage a loaded file's stored records add, per calling number and per account and day, sorted by
    /// key then day; read in the transaction that finishes the file.
    func fileUsage(fileID: Int64, _ body: (DayUsage) throws -> Void) throws
    /// True when any profile is stored.
    func hasProfiles() throws -> Bool
    /// The `quantile` (0–1) of the usual daily answered minutes of the profiles whose key starts with
    /// `keyPrefix` (a number class such as `+447`, or `acct:`) with at least `minDays` days of history: the
    /// population prior an immature profile of that class is judged by; nil when there are none.
    func usualMinutesQuantile(_ quantile: Double, minDays: Int64, keyPrefix: String) throws -> Double?
    /// The stored profiles of these keys, by key.
    func profiles(keys: [String]) throws -> [String: CallerProfile]
    /// The keys whose profile already holds at least `minutes` answered minutes on `day` (its last day), when
    /// there are at most `limit` of them; nil when there are more.
    func keys(busyOn day: UTCDay, minutes: Double, limit: Int) throws -> [String]?
    /// Stores these profiles, replacing any with the same key.
    func saveProfiles(_ profiles: [CallerProfile]) throws
    /// Deletes the profiles and detector baselines of these keys; returns how many rows went.
    func deleteProfiles(keys: [String]) throws -> Int64
    /// Deletes the profiles last seen, and the baselines last updated, before `day`; returns how many rows went.
    func deleteProfiles(lastSeenBefore day: UTCDay) throws -> Int64
    /// True when any detector baseline is stored.
    func hasBaselines() throws -> Bool
    /// The stored detector baselines of these keys, by key.
    func baselines(keys: [String]) throws -> [String: SubjectBaseline]
    /// Stores baseline updates: each sets the values it carries, leaves the others, and moves the day on; a
    /// key with no profile (erased since detection met it, or not yet folded) is skipped.
    func saveBaselines(_ updates: [SubjectBaseline]) throws
    /// Starts one read snapshot that the lookups (`profiles(keys:)`, `baselines(keys:)`) until
    /// ``endReads()`` share, instead of each opening its own; a no-op where lookups cost no transaction.
    func beginReads() throws
    /// Ends the read snapshot ``beginReads()`` started, so a writer is not held back by it.
    func endReads()
}

extension ProfileStore {
    /// No shared snapshot.
    public func beginReads() throws {}
    /// No shared snapshot.
    public func endReads() {}

    /// The `quantile` of the usual daily answered minutes of every E.164 calling number's mature profile.
    public func usualMinutesQuantile(_ quantile: Double, minDays: Int64) throws -> Double? {
        try usualMinutesQuantile(quantile, minDays: minDays, keyPrefix: "+")
    }

    /// Folds a loaded file's usage, read back from its stored records, into the profiles, in the caller's
    /// transaction: a file adds to them once, when it is finished, so a failed file adds nothing and a
    /// resumed one adds all of its records. Memory holds one batch of keys at a time.
    public func foldProfiles(fileID: Int64, batch: Int = 2_000) throws {
        try foldProfiles(batch: batch) { emit in try fileUsage(fileID: fileID, emit) }
    }

    /// Folds the usage `produce` emits, sorted by key then day, into the profiles, a batch of keys at a time.
    public func foldProfiles(batch: Int = 2_000, _ produce: (_ emit: (DayUsage) throws -> Void) throws -> Void) throws {
        var pending: [DayUsage] = []
        func flush() throws {
            let keys = Array(Set(pending.map(\.key)))
            var profiles = try self.profiles(keys: keys)
            for usage in pending {
                if var profile = profiles[usage.key] {
                    profile.add(day: usage.day, minutes: usage.minutes, calls: usage.calls)
                    profiles[usage.key] = profile
                } else {
                    profiles[usage.key] = CallerProfile(
                        key: usage.key,
                        day: usage.day,
                        minutes: usage.minutes,
                        calls: usage.calls
                    )
                }
            }
            try saveProfiles(Array(profiles.values))
            pending.removeAll(keepingCapacity: true)
        }
        try produce { usage in
            if pending.count >= batch, pending.last?.key != usage.key { try flush() }
            pending.append(usage)
        }
        if !pending.isEmpty { try flush() }
    }
}
