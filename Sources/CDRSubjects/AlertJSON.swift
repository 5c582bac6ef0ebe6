import CDRModel
import CDRStorage
import Foundation

/// A fraud alert as JSON, the same for the CLI and the API, its measures as objects.
public struct AlertJSON: Codable, Sendable, Equatable {
    /// One measure behind an alert: its value beside its thresholds.
    public struct Measure: Codable, Sendable, Equatable {
        public var name: String
        public var value: Double
        public var warn: Double
        public var critical: Double
    }

    public var id: String
    public var detector: String
    public var rule: String
    public var severity: String
    public var subject: String
    public var windowStart: String
    public var firstEvent: String
    public var lastEvent: String
    public var caseID: Int64
    public var summary: String
    public var evidence: [Int64]
    public var measures: [Measure]

    /// The JSON form of `alert` (measures that do not parse are left out).
    public init(_ alert: AlertRow) {
        id = alert.id
        detector = alert.detector
        rule = alert.rule
        severity = alert.severity
        subject = alert.subject
        windowStart = CivilTime.iso8601(alert.windowStart)
        firstEvent = CivilTime.iso8601(alert.firstEvent)
        lastEvent = CivilTime.iso8601(alert.lastEvent)
        caseID = alert.caseID
        summary = alert.summary
        evidence = alert.evidence
        measures = (try? JSONDecoder().decode([Measure].self, from: Data(alert.measuresJSON.utf8))) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case id, detector, rule, severity, subject, summary, evidence, measures
        case windowStart = "window_start"
        case firstEvent = "first_event"
        case lastEvent = "last_event"
        case caseID = "case"
    }
}
