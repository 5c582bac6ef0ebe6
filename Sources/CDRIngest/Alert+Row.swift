import CDRFraud
import CDRStorage
import Foundation

extension AlertRow {
    /// The stored form of an alert.
    public init(_ alert: Alert) {
        let measures = (try? JSONEncoder().encode(alert.measures)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        self.init(
            id: alert.id,
            detector: alert.detector,
            rule: alert.rule,
            severity: alert.severity.rawValue,
            subject: alert.subject,
            windowStart: alert.windowStart,
            firstEvent: alert.firstEvent,
            lastEvent: alert.lastEvent,
            measuresJSON: measures,
            evidence: alert.evidence,
            summary: alert.summary,
            fileID: alert.source
        )
    }
}

extension Alert {
    /// An alert read back from the store.
    public init(_ row: AlertRow) {
        let measures = (try? JSONDecoder().decode([Measure].self, from: Data(row.measuresJSON.utf8))) ?? []
        self.init(
            detector: row.detector,
            rule: row.rule,
            severity: Severity(rawValue: row.severity) ?? .warning,
            subject: row.subject,
            windowStart: row.windowStart,
            firstEvent: row.firstEvent,
            lastEvent: row.lastEvent,
            measures: measures,
            evidence: row.evidence,
            summary: row.summary
        )
        id = row.id
        source = row.fileID
    }
}
