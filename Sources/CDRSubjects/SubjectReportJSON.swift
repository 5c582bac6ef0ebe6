import CDRModel

/// A data-subject export as JSON (schema `SubjectExport`), the same for the CLI and the API.
public struct SubjectReportJSON: Codable, Sendable, Equatable {
    public var number: String
    public var createdAt: String
    public var records: [RecordJSON]
    public var alerts: [AlertJSON]
    public var holds: [HoldJSON]
    public var profile: Nullable<ProfileJSON>
    public var baseline: Nullable<BaselineJSON>
    public var note: String

    /// The JSON form of `report`.
    public init(_ report: SubjectReport) {
        number = report.number
        createdAt = CivilTime.iso8601(report.createdAt)
        records = report.records.map(RecordJSON.init)
        alerts = report.alerts.map(AlertJSON.init)
        holds = report.holds.map(HoldJSON.init)
        profile = Nullable(report.profile.map(ProfileJSON.init))
        baseline = Nullable(report.baseline.map(BaselineJSON.init))
        note = "Aggregates hold no number and are not part of a subject's data."
    }

    enum CodingKeys: String, CodingKey {
        case number, records, alerts, holds, note, profile, baseline
        case createdAt = "created_at"
    }
}
