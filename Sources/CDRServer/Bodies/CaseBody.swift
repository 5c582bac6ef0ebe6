import CDRModel
import CDRStorage
import CDRSubjects

/// A fraud case with its alerts (schema `Case`).
struct CaseBody: APIBody {
    static let schema = "Case"
    static let example = CaseBody(
        id: 3,
        subject: "+447700900123",
        severity: "critical",
        firstEvent: "2026-01-05T02:00:00Z",
        lastEvent: "2026-01-05T02:40:00Z",
        detectors: ["irsf-burst"],
        alerts: [AlertJSON.example]
    )

    var id: Int64
    var subject: String
    var severity: String
    var firstEvent: String
    var lastEvent: String
    var detectors: [String]
    var alerts: [AlertJSON]

    enum CodingKeys: String, CodingKey {
        case id, subject, severity, detectors, alerts
        case firstEvent = "first_event"
        case lastEvent = "last_event"
    }
}

extension CaseBody {
    /// The body of `fraudCase` and its alerts.
    init(_ fraudCase: FraudCase, alerts: [AlertRow]) {
        self.init(
            id: fraudCase.id,
            subject: fraudCase.subject,
            severity: fraudCase.severity,
            firstEvent: CivilTime.iso8601(fraudCase.firstAt),
            lastEvent: CivilTime.iso8601(fraudCase.lastAt),
            detectors: fraudCase.detectors,
            alerts: alerts.map(AlertJSON.init)
        )
    }
}
