import Crypto

extension SQLiteStore {
    /// Appends an audit entry chained to the last one (inside the caller's transaction, if any).
    @discardableResult
    public func appendAudit(
        actor: String,
        action: String,
        subject: String = "",
        outcome: String,
        detail: String = ""
    ) throws(StoreError) -> AuditEntry {
        let last = try connection.prepare("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
        var entry = AuditEntry.chained(
            after: try last.step() ? last.blob(0) : nil,
            at: Self.now(),
            actor: actor,
            action: action,
            subject: subject,
            outcome: outcome,
            detail: detail
        )
        let insert = try connection.prepare(
            """
            INSERT INTO audit_log(at, actor, action, subject, outcome, detail, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """
        )
        insert.bind(1, entry.at)
        insert.bind(2, entry.actor)
        insert.bind(3, entry.action)
        insert.bind(4, entry.subject)
        insert.bind(5, entry.outcome)
        insert.bind(6, entry.detail)
        entry.previousHash.withUnsafeBytes { insert.bind(7, blob: $0) }
        entry.hash.withUnsafeBytes { insert.bind(8, blob: $0) }
        try insert.step()
        entry.id = connection.lastInsertID
        return entry
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
