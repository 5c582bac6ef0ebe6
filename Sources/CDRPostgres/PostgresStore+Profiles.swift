import CDRModel
import CDRStorage
import PostgresNIO

extension PostgresStore: ProfileStore {
    /// A loaded file's usage per calling number and per account and day, from its records (found through
    /// the start-time index between the file's first and last start), sorted by key then day.
    public func fileUsage(fileID: Int64, _ body: (DayUsage) throws -> Void) throws {
        let source = """
            FROM records r JOIN files f ON f.id = $1
            WHERE r.file_id = f.id AND r.start_at BETWEEN f.first_start AND f.last_start AND r.leg IN (0, 1)
            """
        var binds = PostgresBindings()
        binds.append(fileID)
        try session.forEachRow(
            PostgresQuery(
                unsafeSQL: """
                    SELECT key, day, sum(seconds)::bigint, sum(calls)::bigint FROM (
                        SELECT r.calling AS key, r.start_at / 86400 AS day, sum(r.billsec) AS seconds,
                            count(*) FILTER (WHERE r.part <= 1) AS calls
                        \(source) AND r.calling <> '' GROUP BY 1, 2
                        UNION ALL SELECT 'acct:' || r.account, r.start_at / 86400, sum(r.billsec),
                            count(*) FILTER (WHERE r.part <= 1)
                        \(source) AND r.account <> '' GROUP BY 1, 2
                    ) usage GROUP BY key, day ORDER BY key, day
                    """,
                binds: binds
            ),
            "reading the usage of file \(fileID)"
        ) { row in
            let (key, day, seconds, calls) = try row.decode((String, Int64, Int64, Int64).self)
            try body(DayUsage(key: key, day: UTCDay(day), seconds: seconds, calls: calls))
        }
    }

    /// True when any profile is stored.
    public func hasProfiles() throws -> Bool {
        let (rows, _) = try session.query("SELECT EXISTS (SELECT 1 FROM profiles)", "looking for profiles")
        return try rows.first?.decode(Bool.self) ?? false
    }

    /// The `quantile` of mature profiles' usual daily minutes in one class of keys.
    public func usualMinutesQuantile(_ quantile: Double, minDays: Int64, keyPrefix: String) throws -> Double? {
        let (rows, _) = try session.query(
            sql: """
                SELECT percentile_disc(?) WITHIN GROUP (ORDER BY mean_minutes / weight) FROM profiles
                WHERE last_day - first_day >= ? AND weight > 0 AND left(key, length(?)) = ?
                """,
            [min(max(quantile, 0), 1), minDays, keyPrefix, keyPrefix],
            "reading the population prior"
        )
        return try rows.first?.decode(Double?.self)
    }

    /// The keys with at least `minutes` answered minutes on their last day `day`, when at most `limit`.
    public func keys(busyOn day: UTCDay, minutes: Double, limit: Int) throws -> [String]? {
        let (rows, _) = try session.query(
            sql: "SELECT key FROM profiles WHERE last_day = ? AND day_minutes >= ? LIMIT ?",
            [day.rawValue, minutes, Int64(limit) + 1],
            "reading busy profiles"
        )
        guard rows.count <= limit else { return nil }
        return try rows.map { try $0.decode(String.self) }
    }

    /// The stored profiles of these keys.
    public func profiles(keys: [String]) throws -> [String: CallerProfile] {
        guard !keys.isEmpty else { return [:] }
        let (rows, _) = try session.query(
            sql: """
                SELECT key, first_day, last_day, active_days, mean_minutes, mean_calls, weight, day_minutes, day_calls,
                    sketch
                FROM profiles WHERE key = ANY(?)
                """,
            [keys],
            "reading profiles"
        )
        var found: [String: CallerProfile] = [:]
        for row in rows {
            let (key, first, last, active, meanMinutes, meanCalls, weight, dayMinutes, dayCalls, sketch) =
                try row.decode(
                    (String, Int64, Int64, Int64, Double, Double, Double, Double, Int64, ByteBuffer).self
                )
            let sketches = CallerProfile.sketches(bytes: sketch.readableBytesView)
            found[key] = CallerProfile(
                key: key,
                firstDay: UTCDay(first),
                lastDay: UTCDay(last),
                activeDays: active,
                meanMinutes: meanMinutes,
                meanCalls: meanCalls,
                weight: weight,
                dayMinutes: dayMinutes,
                dayCalls: dayCalls,
                sketch: sketches.minutes,
                callSketch: sketches.calls
            )
        }
        return found
    }

    /// Stores profiles in one statement, replacing those with the same key.
    public func saveProfiles(_ profiles: [CallerProfile]) throws {
        guard !profiles.isEmpty else { return }
        try session.query(
            sql: """
                INSERT INTO profiles(key, first_day, last_day, active_days, mean_minutes, mean_calls, weight,
                    day_minutes, day_calls, sketch)
                SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::float8[], ?::float8[],
                    ?::float8[], ?::float8[], ?::bigint[], ?::bytea[])
                ON CONFLICT (key) DO UPDATE SET first_day = excluded.first_day, last_day = excluded.last_day,
                    active_days = excluded.active_days, mean_minutes = excluded.mean_minutes,
                    mean_calls = excluded.mean_calls, weight = excluded.weight, day_minutes = excluded.day_minutes,
                    day_calls = excluded.day_calls, sketch = excluded.sketch
                """,
            [
                profiles.map(\.key), profiles.map(\.firstDay.rawValue), profiles.map(\.lastDay.rawValue),
                profiles.map(\.activeDays), profiles.map(\.meanMinutes), profiles.map(\.meanCalls),
                profiles.map(\.weight), profiles.map(\.dayMinutes), profiles.map(\.dayCalls),
                profiles.map { ByteBuffer(bytes: $0.sketchBytes) },
            ],
            "storing profiles"
        )
    }

    /// Deletes the profiles and baselines of these keys.
    public func deleteProfiles(keys: [String]) throws -> Int64 {
        guard !keys.isEmpty else { return 0 }
        var deleted = 0
        for table in ["profiles", "baselines"] {
            deleted += try session.query(sql: "DELETE FROM \(table) WHERE key = ANY(?)", [keys], "deleting \(table)")
                .affected
        }
        return Int64(deleted)
    }

    /// Deletes the profiles last seen, and the baselines last updated, before `day`.
    public func deleteProfiles(lastSeenBefore day: UTCDay) throws -> Int64 {
        var deleted = 0
        for sql in ["DELETE FROM profiles WHERE last_day < ?", "DELETE FROM baselines WHERE day < ?"] {
            deleted += try session.query(sql: sql, [day.rawValue], "expiring profiles").affected
        }
        return Int64(deleted)
    }

    /// True when any baseline is stored.
    public func hasBaselines() throws -> Bool {
        let (rows, _) = try session.query(
            sql: "SELECT EXISTS (SELECT 1 FROM baselines)",
            [],
            "looking for baselines"
        )
        return try rows.first?.decode(Bool.self) ?? false
    }

    /// The stored baselines of these keys.
    public func baselines(keys: [String]) throws -> [String: SubjectBaseline] {
        guard !keys.isEmpty else { return [:] }
        let (rows, _) = try session.query(
            sql: "SELECT key, day, concurrency, off_hours, burst, countries FROM baselines WHERE key = ANY(?)",
            [keys],
            "reading baselines"
        )
        var found: [String: SubjectBaseline] = [:]
        for row in rows {
            let (key, day, concurrency, offHours, burst, countries) = try row.decode(
                (String, Int64, Double?, Double?, Double?, String?).self
            )
            found[key] = SubjectBaseline(
                key: key,
                day: UTCDay(day),
                concurrency: concurrency,
                offHours: offHours,
                burst: burst,
                countries: countries.map(SubjectBaseline.countries)
            )
        }
        return found
    }

    /// Stores baseline updates in one statement, each setting only the values it carries (a value left out
    /// travels as NaN, or `?` for the countries, which the statement reads as NULL); a key without a profile
    /// (a number erased since detection met it) is not stored.
    public func saveBaselines(_ updates: [SubjectBaseline]) throws {
        guard !updates.isEmpty else { return }
        let concurrency: [Double] = updates.map { $0.concurrency ?? .nan }
        let offHours: [Double] = updates.map { $0.offHours ?? .nan }
        let burst: [Double] = updates.map { $0.burst ?? .nan }
        let countries: [String] = updates.map { $0.countries?.joined(separator: " ") ?? "?" }
        try session.query(
            sql: """
                INSERT INTO baselines(key, day, concurrency, off_hours, burst, countries)
                SELECT k, d, NULLIF(c, 'NaN'), NULLIF(o, 'NaN'), NULLIF(b, 'NaN'), NULLIF(n, '?')
                FROM unnest(?::text[], ?::bigint[], ?::float8[], ?::float8[], ?::float8[], ?::text[]) AS u(k, d, c, o, b, n)
                WHERE EXISTS (SELECT 1 FROM profiles p WHERE p.key = u.k)
                ON CONFLICT (key) DO UPDATE SET day = GREATEST(baselines.day, excluded.day),
                    concurrency = COALESCE(excluded.concurrency, baselines.concurrency),
                    off_hours = COALESCE(excluded.off_hours, baselines.off_hours),
                    burst = COALESCE(excluded.burst, baselines.burst),
                    countries = COALESCE(excluded.countries, baselines.countries)
                """,
            [updates.map(\.key), updates.map(\.day.rawValue), concurrency, offHours, burst, countries],
            "storing baselines"
        )
    }
}
