import Crypto

/// One entry of the append-only audit log. Each entry's hash covers its fields and the previous entry's
/// hash, so changing or removing any entry breaks the chain from there on.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// Sequence number.
    public var id: Int64
    /// When (UTC epoch seconds).
    public var at: Int64
    /// Who: a user name, or `cli:<login>` for a local command.
    public var actor: String
    /// What: the command or endpoint (`hold add`, `retain`, `GET /v1/records`).
    public var action: String
    /// The data subject concerned, pseudonymised, or empty.
    public var subject: String
    /// `ok`, `denied`, `failed` or a short result.
    public var outcome: String
    /// Details (counts, ids, the case reference); never a phone number.
    public var detail: String
    /// The previous entry's hash (32 zero bytes for the first).
    public var previousHash: [UInt8]
    /// SHA-256 over the previous hash and this entry's fields.
    public var hash: [UInt8]

    /// Creates an entry from its fields.
    public init(
        id: Int64,
        at: Int64,
        actor: String,
        action: String,
        subject: String,
        outcome: String,
        detail: String,
        previousHash: [UInt8],
        hash: [UInt8]
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.outcome = outcome
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }

    /// Entry `id`, following one whose hash is `previous` (32 zero bytes for the first), hashed under `chain`
    /// (plain SHA-256 without one).
    public static func chained(
        id: Int64,
        after previous: [UInt8]?,
        chain: AuditChain?,
        at: Int64,
        actor: String,
        action: String,
        subject: String,
        outcome: String,
        detail: String
    ) -> AuditEntry {
        var entry = AuditEntry(
            id: id,
            at: at,
            actor: actor,
            action: action,
            subject: subject,
            outcome: outcome,
            detail: detail,
            previousHash: previous ?? [UInt8](repeating: 0, count: 32),
            hash: []
        )
        entry.hash = chain?.hash(entry) ?? chainHash(entry)
        return entry
    }

    /// SHA-256 of the previous hash and the entry's fields, each length-prefixed so no two entries collide
    /// (the unkeyed chain of entries written before the log had a chain key).
    public static func chainHash(_ entry: AuditEntry) -> [UInt8] {
        var hasher = SHA256()
        feed(entry) { hasher.update(data: $0) }
        return Array(hasher.finalize())
    }

    /// Feeds the previous hash and the length-prefixed fields, in the order every chain hashes them.
    static func feed(_ entry: AuditEntry, into update: ([UInt8]) -> Void) {
        update(entry.previousHash)
        for field in [String(entry.at), entry.actor, entry.action, entry.subject, entry.outcome, entry.detail] {
            let bytes = Array(field.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { update(Array($0)) }
            update(bytes)
        }
    }
}

/// The result of checking the audit log's hash chain.
public enum AuditVerification: Sendable, Equatable {
    /// Every entry's hash is right and links to the previous one.
    case intact(entries: Int64)
    /// The first entry whose hash or link does not match.
    case broken(atID: Int64, reason: String)
}
