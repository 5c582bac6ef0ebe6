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
    /// The key folder holding the chain key and checkpoint (nil: the log is checked as unkeyed).
    var auditKeyDirectory: String? { get }
}

extension AuditLog {
    /// Appends an entry about no particular subject.
    @discardableResult
    public func appendAudit(actor: String, action: String, outcome: String, detail: String) throws -> AuditEntry {
        try appendAudit(actor: actor, action: action, subject: "", outcome: outcome, detail: detail)
    }

    /// Walks the whole log and checks every hash and link, under the chain key when the key folder has one,
    /// and that the log reaches the entry the key folder's checkpoint names.
    public func verifyAudit() throws -> AuditVerification {
        let chain = try auditKeyDirectory.flatMap { directory throws(StoreError) in
            try AuditChain.load(directory: directory)
        }
        let checkpoint: (id: Int64, hash: [UInt8])?
        do { checkpoint = try chain?.readCheckpoint() } catch {
            return .broken(atID: 0, reason: error.description)
        }
        var previous = [UInt8](repeating: 0, count: 32)
        var after: Int64 = 0
        var count: Int64 = 0
        while true {
            let page = try auditEntries(after: after, limit: 10_000)
            if page.isEmpty { break }
            for entry in page {
                if entry.previousHash != previous {
                    return .broken(atID: entry.id, reason: "does not link to the entry before it")
                }
                if entry.hash != (chain?.hash(entry) ?? AuditEntry.chainHash(entry)) {
                    let hint =
                        chain == nil ? " (or the log is keyed and \(AuditChain.keyName) is not in the key folder)" : ""
                    return .broken(atID: entry.id, reason: "its contents do not match its hash" + hint)
                }
                if let checkpoint, checkpoint.id == entry.id, checkpoint.hash != entry.hash {
                    return .broken(atID: entry.id, reason: "differs from the entry the checkpoint recorded")
                }
                previous = entry.hash
                after = entry.id
                count += 1
            }
        }
        if let checkpoint, checkpoint.id > after {
            return .broken(
                atID: checkpoint.id,
                reason: "is missing, though the checkpoint recorded it: the log was cut short after entry \(after)"
            )
        }
        return .intact(entries: count)
    }
}
