import CDRModel
import CDRStorage

/// A legal hold as JSON, the same for the CLI and the API: open ends and an unreleased hold as `null`.
public struct HoldJSON: Codable, Sendable, Equatable {
    public var id: Int64
    public var number: String
    public var from: Nullable<String>
    public var to: Nullable<String>
    public var caseRef: String
    public var reason: String
    public var createdAt: String
    public var createdBy: String
    public var releasedAt: Nullable<String>
    public var releasedBy: Nullable<String>

    /// The JSON form of `hold`.
    public init(_ hold: Hold) {
        id = hold.id
        number = hold.number
        from = Nullable(hold.from.map(CivilTime.iso8601))
        to = Nullable(hold.to.map(CivilTime.iso8601))
        caseRef = hold.caseRef
        reason = hold.reason
        createdAt = CivilTime.iso8601(hold.createdAt)
        createdBy = hold.createdBy
        releasedAt = Nullable(hold.releasedAt.map(CivilTime.iso8601))
        releasedBy = Nullable(hold.releasedBy)
    }

    enum CodingKeys: String, CodingKey {
        case id, number, from, to, reason
        case caseRef = "case"
        case createdAt = "created_at"
        case createdBy = "created_by"
        case releasedAt = "released_at"
        case releasedBy = "released_by"
    }
}
