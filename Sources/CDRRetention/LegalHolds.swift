import CDRModel
import CDRStorage
import Foundation

/// Places, lists and releases legal holds; every change is written to the audit log in the same
/// transaction, with the number pseudonymised.
public struct LegalHolds {
    private let store: any RetentionStore
    private let vault: KeyVault
    private let actor: String

    /// Creates the hold book of a store; `actor` is who acts, for the audit log.
    public init(store: any RetentionStore, vault: KeyVault, actor: String) {
        self.store = store
        self.vault = vault
        self.actor = actor
    }

    /// Places a hold on the records concerning `number` that started within `from`…`to`.
    public func add(
        number: String,
        from: Int64?,
        to: Int64?,
        caseRef: String,
        reason: String
    ) throws(RetentionError)
        -> Hold
    {
        if number.isEmpty { throw .invalid("a hold needs a number") }
        if caseRef.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .invalid("a hold needs a case reference (--case)")
        }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw .invalid("a hold needs a reason (--reason)") }
        if let from, let to, from > to { throw .invalid("the hold's --from is after its --to") }
        let subject = try vault.auditPseudonym(number)
        return try RetentionError.wrapping {
            try store.atomically {
                let hold = try store.addHold(
                    number: number,
                    from: from,
                    to: to,
                    caseRef: caseRef,
                    reason: reason,
                    by: actor
                )
                try store.appendAudit(
                    actor: actor,
                    action: "hold add",
                    subject: subject,
                    outcome: "ok",
                    detail: "hold \(hold.id) case \(caseRef) \(Self.window(hold))"
                )
                return hold
            }
        }
    }

    /// The holds, oldest first; active ones only unless `includeReleased`.
    public func list(includeReleased: Bool = false) throws(RetentionError) -> [Hold] {
        try RetentionError.wrapping { try store.holds(includeReleased: includeReleased) }
    }

    /// Releases an active hold: its records become due at the next retention run.
    public func release(id: Int64) throws(RetentionError) -> Hold {
        try RetentionError.wrapping {
            try store.atomically {
                guard let hold = try store.releaseHold(id: id, by: actor) else {
                    throw RetentionError.invalid("no active hold has id \(id) (see `cdrpipe hold list`)")
                }
                try store.appendAudit(
                    actor: actor,
                    action: "hold release",
                    subject: try vault.auditPseudonym(hold.number),
                    outcome: "ok",
                    detail: "hold \(hold.id) case \(hold.caseRef)"
                )
                return hold
            }
        }
    }

    static func window(_ hold: Hold) -> String {
        "from \(hold.from.map(CivilTime.iso8601) ?? "the first record") to \(hold.to.map(CivilTime.iso8601) ?? "the last record")"
    }
}
