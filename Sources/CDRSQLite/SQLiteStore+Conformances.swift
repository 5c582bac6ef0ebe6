import CDRStorage

/// The SQLite store is every kind of store the modules above need.
extension SQLiteStore: DetectionStore {}

extension SQLiteStore: RetentionStore, AuditLog {
    /// Opens the transaction a dry run works in.
    public func beginDryRun() throws { try connection.execute("BEGIN IMMEDIATE") }

    /// Rolls back a dry run and reloads the partition list it may have changed.
    public func endDryRun() throws {
        try connection.execute("ROLLBACK")
        try reloadPartitions()
    }
}

extension SQLiteStore: ServingConnection {

    /// Interrupts whatever runs `seconds` from now on this connection (SQLite's progress handler).
    public func limitTime(seconds: Double?) { connection.limitTime(seconds: seconds) }

    /// True for SQLITE_INTERRUPT.
    public func exceededTimeLimit(_ error: any Error) -> Bool { (error as? StoreError)?.isInterrupted == true }
}

extension SQLiteStore: SubjectStore {}
