import CDRModel
import CDRStorage
import CDRSubjects
import Foundation

/// A page of the audit log with, when asked, the chain's verification (schema `AuditPage`).
struct AuditPageBody: APIBody {
    static let schema = "AuditPage"
    static let example = AuditPageBody(
        items: [
            Entry(
                id: 7,
                at: "2026-01-05T09:00:00Z",
                actor: "fraud",
                action: "GET /v1/records",
                subject: "p:3f2a",
                outcome: "ok",
                detail: "12 records",
                hash: "00ff"
            )
        ],
        nextAfter: Nullable(7),
        chain: Chain(intact: true, entries: Nullable(7), brokenAt: Nullable(nil), reason: Nullable(nil))
    )

    /// One audit entry (schema `AuditEntry`).
    struct Entry: Encodable, Sendable {
        var id: Int64
        var at: String
        var actor: String
        var action: String
        var subject: String
        var outcome: String
        var detail: String
        /// The entry's chain hash, hex.
        var hash: String
    }

    /// What verifying the chain found (schema `AuditChain`).
    struct Chain: Encodable, Sendable {
        var intact: Bool
        var entries: Nullable<Int64>
        var brokenAt: Nullable<Int64>
        var reason: Nullable<String>

        enum CodingKeys: String, CodingKey {
            case intact, entries, reason
            case brokenAt = "broken_at"
        }
    }

    var items: [Entry]
    /// The id to pass as `after` for the next page; null on the last.
    var nextAfter: Nullable<Int64>
    /// Present only with `verify=true`.
    var chain: Chain?

    enum CodingKeys: String, CodingKey {
        case items, chain
        case nextAfter = "next_after"
    }
}

extension AuditPageBody {
    /// The page of `entries` (of at most `limit`), with the chain's verification when one ran.
    init(_ entries: [AuditEntry], limit: Int, check: AuditVerification?) {
        items = entries.map { entry in
            Entry(
                id: entry.id,
                at: CivilTime.iso8601(entry.at),
                actor: entry.actor,
                action: entry.action,
                subject: entry.subject,
                outcome: entry.outcome,
                detail: entry.detail,
                hash: entry.hash.map { String(format: "%02x", $0) }.joined()
            )
        }
        nextAfter = Nullable(entries.count == limit ? entries.last?.id : nil)
        switch check {
        case .intact(let count)?:
            chain = Chain(intact: true, entries: Nullable(count), brokenAt: Nullable(nil), reason: Nullable(nil))
        case .broken(let id, let reason)?:
            chain = Chain(intact: false, entries: Nullable(nil), brokenAt: Nullable(id), reason: Nullable(reason))
        case nil:
            chain = nil
        }
    }
}
