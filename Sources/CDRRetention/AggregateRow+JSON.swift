import CDRStorage
import Foundation

extension AggregateRow {
    /// The rows as a JSON array of objects: dimension values, measures, histogram, and the caller counts
    /// (null where the small-cell rule suppressed them).
    public static func json(_ rows: [AggregateRow], dimensions: [String]) -> String {
        let objects: [[String: Any]] = rows.map { row in
            var object: [String: Any] = [:]
            for (name, value) in zip(dimensions, row.values) { object[name] = value }
            object["calls"] = row.counts.calls
            object["answered"] = row.counts.answered
            object["asr"] = row.asr
            object["ner"] = row.ner
            object["acd_seconds"] = row.acd
            object["answered_minutes"] = row.answeredMinutes
            object["seconds"] = row.counts.seconds
            object["billable_seconds"] = row.counts.billable
            object["histogram"] = row.counts.histogram
            object["callers"] = row.suppressed ? NSNull() : row.counts.callers as Any
            object["called"] = row.suppressed ? NSNull() : row.counts.called as Any
            object["suppressed"] = row.suppressed
            return object
        }
        let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
