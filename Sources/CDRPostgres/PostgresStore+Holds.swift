import CDRStorage
import NIOCore
import PostgresNIO

extension PostgresStore {
    /// Places a hold; returns it with its id.
    public func addHold(
        number: String,
        from: Int64?,
        to: Int64?,
        caseRef: String,
        reason: String,
        by actor: String
    ) throws -> Hold {
        let now = Self.now()
        let (rows, _) = try session.query(
            """
            INSERT INTO holds(number, from_at, to_at, case_ref, reason, created_at, created_by)
            VALUES (\(number), \(from), \(to), \(caseRef), \(reason), \(now), \(actor)) RETURNING id
            """,
            "placing a hold"
        )
        return Hold(
            id: try rows.first?.decode(Int64.self) ?? 0,
            number: number,
            from: from,
            to: to,
            caseRef: caseRef,
            reason: reason,
            createdAt: now,
            createdBy: actor
        )
    }

    /// The holds, active ones only unless `includeReleased`, oldest first.
    public func holds(includeReleased: Bool) throws -> [Hold] {
        try session.read(ServingReads.holds(includeReleased: includeReleased))
    }

    /// Releases an active hold; nil when no active hold has that id.
    public func releaseHold(id: Int64, by actor: String) throws -> Hold? {
        guard var hold = try holds(includeReleased: false).first(where: { $0.id == id }) else { return nil }
        let now = Self.now()
        let (_, updated) = try session.query(
            "UPDATE holds SET released_at = \(now), released_by = \(actor) WHERE id = \(id) AND released_at IS NULL",
            "releasing hold \(id)"
        )
        guard updated == 1 else { return nil }
        hold.releasedAt = now
        hold.releasedBy = actor
        return hold
    }
}

extension PostgresStore: AuditLog {
    /// Appends an entry chained to the last one; concurrent writers are serialised by an advisory lock held
    /// to the end of the transaction, so the chain never forks.
    @discardableResult
    public func appendAudit(
        actor: String,
        action: String,
        subject: String,
        outcome: String,
        detail: String
    ) throws -> AuditEntry {
        let (entry, chain) = try atomically {
            try session.execute("SET LOCAL statement_timeout = 0", "lifting the time limit for the audit entry")
            try session.execute("SELECT pg_advisory_xact_lock(72436103)", "locking the audit log")
            let (top, _) = try session.query("SELECT max(id) FROM audit_log", "reading the last audit entry")
            let last = try top.first?.decode(Int64?.self).map { try auditEntries(after: $0 - 1, limit: 1) }?.first
            let (entry, chain) = try AuditChain.entry(
                after: last,
                known: auditChain,
                keyDirectory: auditKeyDirectory,
                actor: actor,
                action: action,
                subject: subject,
                outcome: outcome,
                detail: detail
            )
            _ = try session.query(
                """
                INSERT INTO audit_log(id, at, actor, action, subject, outcome, detail, previous_hash, hash)
                VALUES (\(entry.id), \(entry.at), \(actor), \(action), \(subject), \(outcome), \(detail),
                    \(ByteBuffer(bytes: entry.previousHash)), \(ByteBuffer(bytes: entry.hash)))
                """,
                "appending to the audit log"
            )
            return (entry, chain)
        }
        auditChain = chain
        if !session.inTransaction { chain?.checkpoint(entry) }
        return entry
    }

    /// The entries with id greater than `after`, oldest first, at most `limit`.
    public func auditEntries(after: Int64, limit: Int) throws -> [AuditEntry] {
        try session.read(ServingReads.auditEntries(after: after, limit: limit))
    }
}
