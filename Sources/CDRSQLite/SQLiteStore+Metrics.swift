import CDRStorage

extension SQLiteStore {
    /// Reads the store's counters (a few aggregate queries over small tables).
    public func counters() throws(StoreError) -> StoreCounters {
        var counters = StoreCounters()
        let files = try connection.prepare(
            "SELECT status, count(*), sum(records), sum(duplicates), sum(rejected) FROM files GROUP BY status"
        )
        while try files.step() {
            counters.files[files.text(0)] = files.int(1)
            counters.stored += files.int(2)
            counters.duplicates += files.int(3)
            counters.rejected += files.int(4)
        }
        let alerts = try connection.prepare("SELECT detector, count(*) FROM alerts GROUP BY detector")
        while try alerts.step() { counters.alerts[alerts.text(0)] = alerts.int(1) }
        let runs = try connection.prepare(
            "SELECT count(*), max(finished_at) FROM retention_runs WHERE finished_at IS NOT NULL"
        )
        if try runs.step() {
            counters.retentionRuns = runs.int(0)
            counters.lastRetentionRun = runs.optionalInt(1)
        }
        return counters
    }

    /// A page of the files registry, newest first.
    public func files(offset: Int, limit: Int) throws(StoreError) -> [FileEntry] {
        let statement = try connection.prepare(
            "SELECT \(Self.fileColumns) FROM files ORDER BY id DESC LIMIT ? OFFSET ?"
        )
        statement.bind(1, Int64(limit))
        statement.bind(2, Int64(offset))
        return try readFiles(statement)
    }
}
