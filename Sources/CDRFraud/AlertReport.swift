import CDRModel
import Foundation

/// An alert report for fraud teams, in JSON lines, CSV or a self-contained HTML page: a summary by
/// severity and detector, then each case (alerts on one subject within 24 h) with its evidence and a
/// timeline.
public struct AlertReport {
    /// The alerts with the case each belongs to.
    public var entries: [(alert: Alert, caseID: Int64)]
    /// What the report covers, e.g. `ingest run 2026-11-25T02:50:00Z`.
    public var title: String

    /// Creates a report.
    public init(entries: [(alert: Alert, caseID: Int64)], title: String) {
        self.entries = entries.sorted { ($0.alert.firstEvent, $0.alert.id) < ($1.alert.firstEvent, $1.alert.id) }
        self.title = title
    }

    /// One JSON object per alert.
    public func jsonLines() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return entries.map { entry in
            struct Line: Encodable {
                var alert: Alert
                var caseID: Int64
                var firstEventISO: String
                var lastEventISO: String
                enum CodingKeys: String, CodingKey {
                    case alert
                    case caseID = "case"
                    case firstEventISO = "first_event"
                    case lastEventISO = "last_event"
                }
            }
            let line = Line(
                alert: entry.alert,
                caseID: entry.caseID,
                firstEventISO: CivilTime.iso8601(entry.alert.firstEvent),
                lastEventISO: CivilTime.iso8601(entry.alert.lastEvent)
            )
            return (try? encoder.encode(line)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }.joined(separator: "\n") + (entries.isEmpty ? "" : "\n")
    }

    /// The report as one JSON document (what a webhook receives): title, count and alerts with cases.
    public func json() -> Data {
        struct Entry: Encodable {
            var alert: Alert
            var caseID: Int64
            enum CodingKeys: String, CodingKey {
                case alert
                case caseID = "case"
            }
        }
        struct Document: Encodable {
            var title: String
            var count: Int
            var alerts: [Entry]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let document = Document(
            title: title,
            count: entries.count,
            alerts: entries.map { Entry(alert: $0.alert, caseID: $0.caseID) }
        )
        return (try? encoder.encode(document)) ?? Data("{}".utf8)
    }

    /// One CSV row per alert.
    public func csv() -> String {
        var text = "id,case,severity,detector,rule,subject,first_event,last_event,measures,evidence,summary\n"
        for (alert, caseID) in entries {
            let measures = alert.measures.map { "\($0.name)=\(Self.number($0.value))" }.joined(separator: ";")
            let fields = [
                alert.id, String(caseID), alert.severity.rawValue, alert.detector, alert.rule, alert.subject,
                CivilTime.iso8601(alert.firstEvent), CivilTime.iso8601(alert.lastEvent), measures,
                alert.evidence.map(String.init).joined(separator: ";"), alert.summary,
            ]
            text += fields.map(Self.csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// A self-contained HTML page (no scripts, no external resources).
    public func html() -> String {
        let detectors = Set(entries.map(\.alert.detector)).sorted()
        var rows = ""
        for severity in Severity.allCases.reversed() {
            let counts = detectors.map { detector in
                entries.filter { $0.alert.severity == severity && $0.alert.detector == detector }.count
            }
            rows +=
                "<tr><th class=\"\(severity.rawValue)\">\(severity.rawValue)</th>"
                + counts.map { "<td>\($0)</td>" }.joined() + "<td>\(counts.reduce(0, +))</td></tr>\n"
        }
        var cases = ""
        let grouped = Dictionary(grouping: entries, by: \.caseID)
        for caseID in grouped.keys.sorted(by: {
            (grouped[$0]!.first!.alert.firstEvent, $0) < (grouped[$1]!.first!.alert.firstEvent, $1)
        }) {
            let alerts = grouped[caseID]!.map(\.alert)
            let worst = alerts.map(\.severity).max() ?? .warning
            cases += "<section><h2 class=\"\(worst.rawValue)\">Case \(caseID): \(Self.escape(alerts[0].subject))</h2>\n"
            cases += Self.timeline(alerts)
            cases +=
                "<table><tr><th>severity</th><th>detector</th><th>from</th><th>to</th><th>measures</th><th>evidence</th><th>what</th></tr>\n"
            for alert in alerts {
                let measures = alert.measures.map {
                    "\($0.name) \(Self.number($0.value)) (warn \(Self.number($0.warn)), crit \(Self.number($0.critical)))"
                }.joined(separator: "<br>")
                cases +=
                    "<tr><td class=\"\(alert.severity.rawValue)\">\(alert.severity.rawValue)</td><td>\(alert.detector)</td>"
                    + "<td>\(CivilTime.iso8601(alert.firstEvent))</td><td>\(CivilTime.iso8601(alert.lastEvent))</td>"
                    + "<td>\(measures)</td><td>\(alert.evidence.map(String.init).joined(separator: " "))</td>"
                    + "<td>\(Self.escape(alert.summary))</td></tr>\n"
            }
            cases += "</table></section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}
            .critical{color:#b00020}.warning{color:#a66400}h2{font-size:18px;margin-top:2em}
            </style></head><body>
            <h1>\(Self.escape(title))</h1>
            <p>\(entries.count) alerts in \(grouped.count) cases. Personal data: for fraud investigators only.</p>
            <table><tr><th></th>\(detectors.map { "<th>\($0)</th>" }.joined())<th>total</th></tr>
            \(rows)</table>
            \(cases)</body></html>

            """
    }

    /// A small SVG timeline: one bar per alert from its first to its last event.
    static func timeline(_ alerts: [Alert]) -> String {
        let start = alerts.map(\.firstEvent).min() ?? 0
        let end = max((alerts.map(\.lastEvent).max() ?? 0), start + 60)
        let width = 600.0
        let scale = width / Double(end - start)
        var bars = ""
        for (index, alert) in alerts.enumerated() {
            let x = Double(alert.firstEvent - start) * scale
            let w = max(3, Double(alert.lastEvent - alert.firstEvent) * scale)
            let colour = alert.severity == .critical ? "#b00020" : "#e0a000"
            bars +=
                "<rect x=\"\(Int(x))\" y=\"\(4 + index * 14)\" width=\"\(Int(w))\" height=\"10\" fill=\"\(colour)\">"
                + "<title>\(alert.detector) \(alert.severity.rawValue)</title></rect>"
        }
        let height = 8 + alerts.count * 14
        return "<svg class=\"timeline\" width=\"\(Int(width) + 10)\" height=\"\(height + 16)\" role=\"img\">"
            + "<rect x=\"0\" y=\"0\" width=\"\(Int(width) + 10)\" height=\"\(height)\" fill=\"#f6f6f6\"/>\(bars)"
            + "<text x=\"0\" y=\"\(height + 12)\" font-size=\"10\">\(CivilTime.iso8601(start))</text>"
            + "<text x=\"\(Int(width) - 110)\" y=\"\(height + 12)\" font-size=\"10\">\(CivilTime.iso8601(end))</text></svg>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") || text.contains("\n")
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(format: "%.2f", value)
    }

    /// Writes the three forms to `directory` (created, mode 0700) as `alerts-<stamp>.{jsonl,csv,html}`,
    /// each file mode 0600; returns their paths.
    public func write(to directory: String, stamp: String) throws -> [String] {
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        var paths: [String] = []
        for (suffix, text) in [("jsonl", jsonLines()), ("csv", csv()), ("html", html())] {
            let path = "\(directory)/alerts-\(stamp).\(suffix)"
            guard
                FileManager.default.createFile(
                    atPath: path,
                    contents: Data(text.utf8),
                    attributes: [.posixPermissions: 0o600]
                )
            else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            paths.append(path)
        }
        return paths
    }
}
