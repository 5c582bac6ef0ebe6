import CDRStorage
import Crypto

extension SQLiteStore {
    /// Appends an audit entry chained to the last one: inside the caller's transaction, if any; otherwise in
    /// one of its own, retried with backoff for up to a minute while another process (an ingest) holds the
    /// write lock, so an audited read is slowed, never failed, by a load. Never cut short by a time limit.
    @discardableResult
    public func appendAudit(
        actor: String,
        action: String,
        subject: String = "",
        outcome: String,
        detail: String = ""
    ) throws(StoreError) -> AuditEntry {
        let append = { () throws(StoreError) -> AuditEntry in
            try self.insertAudit(actor: actor, action: action, subject: subject, outcome: outcome, detail: detail)
        }
        let result = connection.withoutTimeLimit { () -> Result<AuditEntry, StoreError> in
            Result { () throws(StoreError) -> AuditEntry in
                guard connection.autocommit else { return try append() }
                return try Self.retryingWhileBusy(upTo: 60) { () throws(StoreError) -> AuditEntry in
                    do throws(StoreError) {
                        let entry = try connection.transaction(append)
                        flushCheckpoint()
                        return entry
                    } catch {
                        pendingCheckpoint = nil
                        throw error
                    }
                }
            }
        }
        return try result.get()
    }

    private func insertAudit(
        actor: String,
        action: String,
        subject: String,
        outcome: String,
        detail: String
    ) throws(StoreError) -> AuditEntry {
        let (entry, chain) = try AuditChain.entry(
            after: try lastAuditEntry(),
            known: auditChain,
            keyDirectory: auditKeyDirectory,
            actor: actor,
            action: action,
            subject: subject,
            outcome: outcome,
            detail: detail
        )
        let insert = try connection.prepare(
            """
            INSERT INTO audit_log(id, at, actor, action, subject, outcome, detail, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        )
        insert.bind(1, entry.id)
        insert.bind(2, entry.at)
        insert.bind(3, entry.actor)
        insert.bind(4, entry.action)
        insert.bind(5, entry.subject)
        insert.bind(6, entry.outcome)
        insert.bind(7, entry.detail)
        entry.previousHash.withUnsafeBytes { insert.bind(8, blob: $0) }
        entry.hash.withUnsafeBytes { insert.bind(9, blob: $0) }
        try insert.step()
        auditChain = chain
        if let chain {
            pendingCheckpoint = (chain, entry)
            flushCheckpoint()
        }
        return entry
    }

    /// The newest audit entry, or nil for an empty log.
    func lastAuditEntry() throws(StoreError) -> AuditEntry? {
        let statement = try connection.prepare("SELECT max(id) FROM audit_log")
        guard try statement.step(), let id = statement.optionalInt(0) else { return nil }
        return try auditEntries(after: id - 1, limit: 1).first
    }

    /// The audit entries with id greater than `after`, oldest first, at most `limit`.
    public func auditEntries(after: Int64 = 0, limit: Int = 1000) throws(StoreError) -> [AuditEntry] {
        let statement = try connection.prepare(
            """
            SELECT id, at, actor, action, subject, outcome, detail, previous_hash, hash FROM audit_log
            WHERE id > ? ORDER BY id LIMIT ?
            """
        )
        statement.bind(1, after)
        statement.bind(2, Int64(limit))
        var entries: [AuditEntry] = []
        while try statement.step() {
            entries.append(
                AuditEntry(
                    id: statement.int(0),
                    at: statement.int(1),
                    actor: statement.text(2),
                    action: statement.text(3),
                    subject: statement.text(4),
                    outcome: statement.text(5),
                    detail: statement.text(6),
                    previousHash: statement.blob(7),
                    hash: statement.blob(8)
                )
            )
        }
        return entries
    }
}
