import CDRSubjects

/// What an erasure did or, on a dry run, would do (schema `Erasure`).
struct ErasureBody: APIBody {
    static let schema = "Erasure"
    static let example = ErasureBody(
        dryRun: true,
        erased: 12,
        kept: [Kept(reason: "legal hold 3 (case DISPUTE-1)", records: [41, 42])],
        note: ErasureBody.aggregatesNote
    )

    /// Records kept, and why.
    struct Kept: Encodable, Sendable {
        var reason: String
        var records: [Int64]
    }

    var dryRun: Bool
    var erased: Int64
    var kept: [Kept]
    var note: String

    static let aggregatesNote = "aggregates are anonymous and were not touched"

    enum CodingKeys: String, CodingKey {
        case erased, kept, note
        case dryRun = "dry_run"
    }
}

extension ErasureBody {
    /// The body of an erasure's outcome.
    init(_ outcome: ErasureOutcome) {
        dryRun = outcome.dryRun
        erased = outcome.erased
        kept = outcome.kept.sorted { $0.key.description < $1.key.description }.map {
            Kept(reason: $0.key.description, records: $0.value)
        }
        note = Self.aggregatesNote
    }
}
