/// The append-only, hash-chained log of who did what to personal data, as any store keeps it.
public protocol AuditLog: AnyObject {
    /// Appends an entry chained to the last one (inside the caller's transaction, if any).
    @discardableResult
    func appendAudit(
        actor: String,
        action: String,
        subject: String,
        outcome: String,
        detail: String
    ) throws
        -> AuditEntry
    /// The entries with id greater than `after`, oldest first, at most `limit`.
    func auditEntries(after: Int64, limit: Int) throws -> [AuditEntry]
}

extension AuditLog {
    /// Appends an entry about no particular subject.
    @discardableResult
    public func appendAudit(actor: String, action: String, outcome: String, detail: String) throws -> AuditEntry {
        try appendAudit(actor: actor, action: action, subject: "", outcome: outcome, detail: detail)
    }

    /// Walks the whole log and checks every hash and link.
    public func verifyAudit() throws -> AuditVerification {
        var previous = [UInt8](repeating: 0, count: 32)
        var after: Int64 = 0
        var count: Int64 = 0
        while true {
            let page = try auditEntries(after: after, limit: 10_000)
            if page.isEmpty { return .intact(entries: count) }
            for entry in page {
                if entry.previousHash != previous {
                    return .broken(atID: entry.id, reason: "does not link to the entry before it")
                }
                if entry.hash != AuditEntry.chainHash(entry) {
                    return .broken(atID: entry.id, reason: "its contents do not match its hash")
                }
                previous = entry.hash
                after = entry.id
                count += 1
            }
        }
    }
}
