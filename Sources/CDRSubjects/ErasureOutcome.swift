import CDRModel

/// What an erasure request did: how many full records went, and which were kept and why.
public struct ErasureOutcome: Sendable, Equatable {
    /// Why a record had to be kept.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// An active legal hold covers it.
        case hold(id: Int64, caseRef: String)
        /// A fraud alert cites it as evidence.
        case fraud(alert: String, caseID: Int64)
        /// The bill it belongs to can still be challenged.
        case billing(until: Int64)

        /// The reason as a sentence.
        public var description: String {
            switch self {
            case .hold(let id, let caseRef): "legal hold \(id) (case \(caseRef)) covers it"
            case .fraud(let alert, let caseID): "evidence in fraud alert \(alert) (case \(caseID))"
            case .billing(let until):
                "billing: the bill can be challenged until \(CivilTime.iso8601(until))"
            }
        }
    }

    /// Records deleted.
    public var erased: Int64
    /// Records kept, by the first reason that applied.
    public var kept: [Reason: [Int64]]
    /// True when nothing was changed (a dry run).
    public var dryRun: Bool

    /// Records kept in all.
    public var keptCount: Int { kept.values.reduce(0) { $0 + $1.count } }

    /// A summary for the requester.
    public var summary: String {
        var lines = ["\(dryRun ? "would erase" : "erased") \(erased) full records; kept \(keptCount)"]
        for (reason, ids) in kept.sorted(by: { $0.key.description < $1.key.description }) {
            lines.append("  kept \(ids.count): \(reason)")
        }
        lines.append("aggregates are anonymous and were not touched")
        return lines.joined(separator: "\n")
    }
}
