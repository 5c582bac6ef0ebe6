import CDRModel
import CDRStorage

/// Profiles are a rowid table with a unique index on the key, not a table keyed by number: a deleted key can
/// stay behind as a separator in a B-tree's inner pages, so every deletion rebuilds the key index
/// (`REINDEX`), whose old pages `secure_delete` zeroes, and marks the file for rebuilding (see
/// ``markRebuildDue()``); the table's own inner pages hold only row ids.
extension SQLiteStore: ProfileStore {
    /// A loaded file's usage per calling number and per account and day, from its records (found by id
    /// from the file's first record on, in every partition), sorted by key then day. Opens the load's
    /// transaction if none is open, so the fold commits with the file's last records and its finish.
    public func fileUsage(fileID: Int64, _ body: (DayUsage) throws -> Void) throws {
        try begin()
        let first = try connection.prepare("SELECT first_record_id FROM files WHERE id = ?")
        first.bind(1, fileID)
        guard try first.step(), !knownPartitions.isEmpty else { return }
        let firstID = first.int(0)
        let parts = knownPartitions.sorted().map { month in
            let table = Self.partitionName(month: month)
            let filter = "FROM \(table) WHERE id >= ?1 AND file_id = ?2 AND leg IN (0, 1)"
            return """
                SELECT calling AS key, day, sum(billsec) AS seconds, sum(part <= 1) AS calls \(filter) AND calling <> ''
                GROUP BY calling, day
                UNION ALL SELECT 'acct:' || account, day, sum(billsec), sum(part <= 1) \(filter) AND account <> ''
                GROUP BY account, day
                """
        }
        let statement = try connection.prepare(
            "SELECT key, day, sum(seconds), sum(calls) FROM (\(parts.joined(separator: " UNION ALL "))) "
                + "GROUP BY key, day ORDER BY key, day"
        )
        statement.bind(1, firstID)
        statement.bind(2, fileID)
        while try statement.step() {
            try body(Self.dayUsage(statement))
        }
    }

    /// Starts a read transaction the following lookups share: one shared lock and one check of the
    /// write-ahead log rather than one per lookup, and SQLite's page cache stays valid between them.
    public func beginReads() throws(StoreError) {
        guard connection.autocommit else { return }
        try connection.execute("BEGIN")
    }

    /// Ends the read transaction ``beginReads()`` started.
    public func endReads() {
        guard !connection.autocommit else { return }
        try? connection.execute("COMMIT")
    }

    /// True when any profile is stored.
    public func hasProfiles() throws(StoreError) -> Bool {
        let statement = try connection.prepare("SELECT EXISTS (SELECT 1 FROM profiles)")
        _ = try statement.step()
        return statement.int(0) != 0
    }

    /// The `quantile` of mature profiles' usual daily minutes in one class of keys (one sorted pass over the
    /// profiles), the smallest value with at least that share at or below it, as PostgreSQL's
    /// `percentile_disc`.
    public func usualMinutesQuantile(
        _ quantile: Double,
        minDays: Int64,
        keyPrefix: String
    ) throws(StoreError) -> Double? {
        let mature =
            "FROM profiles WHERE last_day - first_day >= ?1 AND weight > 0 AND substr(key, 1, length(?3)) = ?3"
        let statement = try connection.prepare(
            """
            SELECT mean_minutes / weight \(mature) ORDER BY 1
            LIMIT 1 OFFSET (
                SELECT max(0, CAST(n * ?2 AS INTEGER) + (n * ?2 > CAST(n * ?2 AS INTEGER)) - 1)
                FROM (SELECT count(*) AS n \(mature))
            )
            """
        )
        statement.bind(1, minDays)
        statement.bind(2, real: min(max(quantile, 0), 1))
        statement.bind(3, keyPrefix)
        return try statement.step() ? statement.double(0) : nil
    }

    /// The stored profiles of these keys.
    public func profiles(keys: [String]) throws(StoreError) -> [String: CallerProfile] {
        let statement = try cached(
            "profile",
            """
            SELECT key, first_day, last_day, active_days, mean_minutes, mean_calls, weight, day_minutes, day_calls,
                sketch
            FROM profiles WHERE key = ?
            """
        )
        var found: [String: CallerProfile] = [:]
        for key in keys {
            statement.bind(1, key)
            defer { statement.reset() }
            guard try statement.step() else { continue }
            let sketches = CallerProfile.sketches(bytes: statement.blob(9))
            found[key] = CallerProfile(
                key: statement.text(0),
                firstDay: UTCDay(statement.int(1)),
                lastDay: UTCDay(statement.int(2)),
                activeDays: statement.int(3),
                meanMinutes: statement.double(4),
                meanCalls: statement.double(5),
                weight: statement.double(6),
                dayMinutes: statement.double(7),
                dayCalls: statement.int(8),
                sketch: sketches.minutes,
                callSketch: sketches.calls
            )
        }
        return found
    }

    /// The keys with at least `minutes` answered minutes on their last day `day`, when at most `limit`.
    public func keys(busyOn day: UTCDay, minutes: Double, limit: Int) throws(StoreError) -> [String]? {
        let statement = try connection.prepare(
            "SELECT key FROM profiles WHERE last_day = ?1 AND day_minutes >= ?2 LIMIT ?3"
        )
        statement.bind(1, day.rawValue)
        statement.bind(2, real: minutes)
        statement.bind(3, Int64(limit) + 1)
        var keys: [String] = []
        while try statement.step() {
            guard keys.count < limit else { return nil }
            keys.append(statement.text(0))
        }
        return keys
    }

    /// Stores profiles, replacing those with the same key.
    public func saveProfiles(_ profiles: [CallerProfile]) throws(StoreError) {
        let statement = try cached(
            "saveProfile",
            """
            INSERT INTO profiles(key, first_day, last_day, active_days, mean_minutes, mean_calls, weight,
                day_minutes, day_calls, sketch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            ON CONFLICT (key) DO UPDATE SET first_day = ?2, last_day = ?3, active_days = ?4, mean_minutes = ?5,
                mean_calls = ?6, weight = ?7, day_minutes = ?8, day_calls = ?9, sketch = ?10
            """
        )
        for profile in profiles {
            statement.bind(1, profile.key)
            statement.bind(2, profile.firstDay.rawValue)
            statement.bind(3, profile.lastDay.rawValue)
            statement.bind(4, profile.activeDays)
            statement.bind(5, real: profile.meanMinutes)
            statement.bind(6, real: profile.meanCalls)
            statement.bind(7, real: profile.weight)
            statement.bind(8, real: profile.dayMinutes)
            statement.bind(9, profile.dayCalls)
            profile.sketchBytes.withUnsafeBytes { statement.bind(10, blob: $0) }
            defer { statement.reset() }
            try statement.step()
        }
    }

    /// Deletes the profiles and baselines of these keys.
    public func deleteProfiles(keys: [String]) throws(StoreError) -> Int64 {
        var deleted: Int64 = 0
        for table in ["profiles", "baselines"] {
            let statement = try cached("delete-\(table)", "DELETE FROM \(table) WHERE key = ?")
            for key in keys {
                statement.bind(1, key)
                defer { statement.reset() }
                try statement.step()
                deleted += Int64(connection.changes)
            }
        }
        try afterDeleting(deleted)
        return deleted
    }

    /// Deletes the profiles last seen, and the baselines last updated, before `day`.
    public func deleteProfiles(lastSeenBefore day: UTCDay) throws(StoreError) -> Int64 {
        var deleted: Int64 = 0
        for sql in ["DELETE FROM profiles WHERE last_day < ?", "DELETE FROM baselines WHERE day < ?"] {
            let statement = try connection.prepare(sql)
            statement.bind(1, day.rawValue)
            try statement.step()
            deleted += Int64(connection.changes)
        }
        try afterDeleting(deleted)
        return deleted
    }

    /// True when any baseline is stored.
    public func hasBaselines() throws(StoreError) -> Bool {
        let statement = try connection.prepare("SELECT EXISTS (SELECT 1 FROM baselines)")
        _ = try statement.step()
        return statement.int(0) != 0
    }

    /// The stored baselines of these keys.
    public func baselines(keys: [String]) throws(StoreError) -> [String: SubjectBaseline] {
        let statement = try cached(
            "baseline",
            "SELECT key, day, concurrency, off_hours, burst, countries FROM baselines WHERE key = ?"
        )
        var found: [String: SubjectBaseline] = [:]
        for key in keys {
            statement.bind(1, key)
            defer { statement.reset() }
            guard try statement.step() else { continue }
            found[key] = SubjectBaseline(
                key: statement.text(0),
                day: UTCDay(statement.int(1)),
                concurrency: statement.optionalDouble(2),
                offHours: statement.optionalDouble(3),
                burst: statement.optionalDouble(4),
                countries: statement.optionalText(5).map(SubjectBaseline.countries)
            )
        }
        return found
    }

    /// Stores baseline updates, each setting only the values it carries; a key without a profile (a number
    /// erased since detection met it) is not stored.
    public func saveBaselines(_ updates: [SubjectBaseline]) throws(StoreError) {
        let statement = try cached(
            "saveBaseline",
            """
            INSERT INTO baselines(key, day, concurrency, off_hours, burst, countries)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM profiles WHERE key = ?1)
            ON CONFLICT (key) DO UPDATE SET day = max(day, ?2), concurrency = coalesce(?3, concurrency),
                off_hours = coalesce(?4, off_hours), burst = coalesce(?5, burst), countries = coalesce(?6, countries)
            """
        )
        for update in updates {
            statement.bind(1, update.key)
            statement.bind(2, update.day.rawValue)
            statement.bind(3, real: update.concurrency)
            statement.bind(4, real: update.offHours)
            statement.bind(5, real: update.burst)
            statement.bind(6, update.countries?.joined(separator: " "))
            defer { statement.reset() }
            try statement.step()
        }
    }
}

extension SQLiteStore {
    /// After `deleted` profiles went: the key index rebuilt and the file marked for rebuilding (see the
    /// note on the profiles table above).
    private func afterDeleting(_ deleted: Int64) throws(StoreError) {
        guard deleted > 0 else { return }
        try connection.execute("REINDEX profiles")
        try markRebuildDue()
    }

    /// Stages part of a loading file's usage (a large file's, counted while it loads) in the open
    /// transaction, so it commits with the file's records and goes with them if the file fails.
    public func stageUsage(fileID: Int64, _ usage: [DayUsage]) throws(StoreError) {
        try begin()
        let statement = try cached(
            "stageUsage",
            "INSERT INTO profile_staging(file_id, key, day, seconds, calls) VALUES (?, ?, ?, ?, ?)"
        )
        for entry in usage {
            statement.bind(1, fileID)
            statement.bind(2, entry.key)
            statement.bind(3, entry.day.rawValue)
            statement.bind(4, entry.seconds)
            statement.bind(5, entry.calls)
            defer { statement.reset() }
            try statement.step()
        }
    }

    /// Folds a finishing file's counted usage into the profiles in the load's transaction: `rest` (counted
    /// since the last stage, in any order) alone, or, when part was `staged`, with the staged rows, which
    /// are then deleted.
    public func foldUsage(fileID: Int64, rest: [DayUsage], staged: Bool) throws {
        try begin()
        guard staged else {
            let sorted = rest.sorted { ($0.key, $0.day) < ($1.key, $1.day) }
            try foldProfiles { emit in for entry in sorted { try emit(entry) } }
            return
        }
        try stageUsage(fileID: fileID, rest)
        try withFoldingCache {
            let staged = try connection.prepare(
                """
                SELECT key, day, sum(seconds), sum(calls) FROM profile_staging WHERE file_id = ?
                GROUP BY key, day ORDER BY key, day
                """
            )
            staged.bind(1, fileID)
            try foldProfiles { emit in
                while try staged.step() {
                    try emit(Self.dayUsage(staged))
                }
            }
            staged.reset()
        }
        try discardStagedUsage(fileID: fileID)
    }

    /// The usage a row of (key, day, seconds, calls) holds.
    private static func dayUsage(_ row: Statement) -> DayUsage {
        DayUsage(key: row.text(0), day: UTCDay(row.int(1)), seconds: row.int(2), calls: row.int(3))
    }

    /// Runs `body` with a 2 MiB page cache, then restores the usual size. SQLite sorts in memory up to the
    /// cache's size beside the cache itself, so sorting a large file's staged usage with a 16 MiB cache was
    /// the peak of the whole load: a 1.8M-record file peaked at 84 MB, and at 67.5 MB with this, in the same
    /// time (the sort spills to temporary files in runs instead).
    private func withFoldingCache(_ body: () throws -> Void) throws {
        try connection.execute("PRAGMA cache_size = -2048")
        defer { try? connection.execute("PRAGMA cache_size = -\(cacheMiB * 1024)") }
        try body()
    }

    /// Deletes a file's staged usage (after folding it, or when the file failed or is read again).
    public func discardStagedUsage(fileID: Int64) throws(StoreError) {
        let statement = try connection.prepare("DELETE FROM profile_staging WHERE file_id = ?")
        statement.bind(1, fileID)
        try statement.step()
        if connection.changes > 0 { try markRebuildDue() }
    }
}
