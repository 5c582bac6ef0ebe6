import CDRModel
import Foundation

/// An alert report for fraud teams, in JSON lines, CSV or a self-contained HTML page: a summary by
/// severity and detector, then each case (alerts on one subject within 24 h) with a labelled timeline, and
/// each alert with the calls it cites and the money they put at risk (an estimate).
public struct AlertReport {
    /// The alerts with the case each belongs to.
    public var entries: [(alert: Alert, caseID: Int64)]
    /// What the report covers, e.g. `ingest run 2026-11-25T02:50:00Z`.
    public var title: String
    /// The cited calls that are still stored, by record id (an alert may outlive its calls).
    public var calls: [Int64: CitedCall]
    /// The currency of the estimates.
    public var currency: String

    /// Creates a report; `calls` are the stored calls its alerts cite.
    public init(
        entries: [(alert: Alert, caseID: Int64)],
        title: String,
        calls: [Int64: CitedCall] = [:],
        currency: String = "EUR"
    ) {
        self.entries = entries.sorted { ($0.alert.firstEvent, $0.alert.id) < ($1.alert.firstEvent, $1.alert.id) }
        self.title = title
        self.calls = calls
        self.currency = currency
    }

    /// The calls an alert cites that are still stored, in its evidence order.
    public func cited(_ alert: Alert) -> [CitedCall] { alert.evidence.compactMap { calls[$0] } }

    /// The estimated cost of an alert's cited calls: answered minutes × rate.
    public func moneyAtRisk(_ alert: Alert) -> Double {
        (cited(alert).reduce(0) { $0 + $1.estimatedCost } * 100).rounded() / 100
    }

    /// The money-at-risk estimate as the JSON forms carry it.
    struct Estimate: Encodable {
        var amount: Double
        var currency: String
        var calls: Int
        var basis = "answered minutes of the cited calls × the rate of each destination; an estimate"
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
                var calls: [CitedCall]
                var moneyAtRisk: Estimate
                enum CodingKeys: String, CodingKey {
                    case alert, calls
                    case caseID = "case"
                    case firstEventISO = "first_event"
                    case lastEventISO = "last_event"
                    case moneyAtRisk = "money_at_risk"
                }
            }
            let cited = cited(entry.alert)
            let line = Line(
                alert: entry.alert,
                caseID: entry.caseID,
                firstEventISO: CivilTime.iso8601(entry.alert.firstEvent),
                lastEventISO: CivilTime.iso8601(entry.alert.lastEvent),
                calls: cited,
                moneyAtRisk: Estimate(amount: moneyAtRisk(entry.alert), currency: currency, calls: cited.count)
            )
            return (try? encoder.encode(line)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }.joined(separator: "\n") + (entries.isEmpty ? "" : "\n")
    }

    /// The report as one JSON document (what a webhook receives): title, count and alerts with cases.
    public func json() -> Data {
        struct Entry: Encodable {
            var alert: Alert
            var caseID: Int64
            var calls: [CitedCall]
            var moneyAtRisk: Estimate
            enum CodingKeys: String, CodingKey {
                case alert, calls
                case caseID = "case"
                case moneyAtRisk = "money_at_risk"
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
            alerts: entries.map {
                let cited = cited($0.alert)
                return Entry(
                    alert: $0.alert,
                    caseID: $0.caseID,
                    calls: cited,
                    moneyAtRisk: Estimate(amount: moneyAtRisk($0.alert), currency: currency, calls: cited.count)
                )
            }
        )
        return (try? encoder.encode(document)) ?? Data("{}".utf8)
    }

    /// One CSV row per alert.
    public func csv() -> String {
        var text =
            "id,case,severity,detector,rule,subject,first_event,last_event,measures,evidence,summary,"
            + "money_at_risk_estimate,currency,cited_calls\n"
        for (alert, caseID) in entries {
            let measures = alert.measures.map { "\($0.name)=\(Self.number($0.value))" }.joined(separator: ";")
            let fields = [
                alert.id, String(caseID), alert.severity.rawValue, alert.detector, alert.rule, alert.subject,
                CivilTime.iso8601(alert.firstEvent), CivilTime.iso8601(alert.lastEvent), measures,
                alert.evidence.map(String.init).joined(separator: ";"), alert.summary,
                Self.money(moneyAtRisk(alert)), currency, cited(alert).map(Self.line).joined(separator: "; "),
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
        let grouped = Dictionary(grouping: entries, by: \.caseID)
        let cases = grouped.keys.sorted(by: {
            (grouped[$0]!.first!.alert.firstEvent, $0) < (grouped[$1]!.first!.alert.firstEvent, $1)
        })
        .map { caseSection($0, alerts: grouped[$0]!.map(\.alert)) }.joined()
        let atRisk = Self.money(entries.reduce(0) { $0 + moneyAtRisk($1.alert) })
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}
            .critical{color:#b00020}.warning{color:#a66400}h2{font-size:18px;margin-top:2em}table.calls td{font-size:13px}
            </style></head><body>
            <h1>\(Self.escape(title))</h1>
            <p>\(entries.count) alerts in \(grouped.count) cases; estimated money at risk in the cited calls \
            \(atRisk) \(Self.escape(currency)) (answered minutes × the rate of each destination). Personal data: for \
            fraud investigators only.</p>
            <table><tr><th></th>\(detectors.map { "<th>\($0)</th>" }.joined())<th>total</th></tr>
            \(rows)</table>
            \(cases)</body></html>

            """
    }

    /// One case: its subject, a labelled timeline, and each alert with its measures and cited calls.
    func caseSection(_ caseID: Int64, alerts: [Alert]) -> String {
        let worst = alerts.map(\.severity).max() ?? .warning
        var html = "<section><h2 class=\"\(worst.rawValue)\">Case \(caseID): \(Self.escape(alerts[0].subject))</h2>\n"
        html += Self.timeline(alerts)
        html +=
            "<table><tr><th>severity</th><th>detector</th><th>from</th><th>to</th><th>measures</th>"
            + "<th>money at risk (\(Self.escape(currency)), estimate)</th><th>what</th></tr>\n"
        for alert in alerts {
            let measures = alert.measures.map {
                "\($0.name) \(Self.number($0.value)) (warn \(Self.number($0.warn)), crit \(Self.number($0.critical)))"
            }.joined(separator: "<br>")
            html +=
                "<tr><td class=\"\(alert.severity.rawValue)\">\(alert.severity.rawValue)</td><td>\(alert.detector)</td>"
                + "<td>\(CivilTime.iso8601(alert.firstEvent))</td><td>\(CivilTime.iso8601(alert.lastEvent))</td>"
                + "<td>\(measures)</td><td>\(Self.money(moneyAtRisk(alert)))</td>"
                + "<td>\(Self.escape(alert.summary))</td></tr>\n"
            html += "<tr><td></td><td colspan=\"6\">\(citedTable(alert))</td></tr>\n"
        }
        return html + "</table></section>\n"
    }

    /// The calls an alert cites, one row each; ids of calls no longer stored are listed after.
    func citedTable(_ alert: Alert) -> String {
        let cited = cited(alert)
        var html =
            "<table class=\"calls\"><tr><th>time (UTC)</th><th>A</th><th>B</th><th>country</th><th>range</th>"
            + "<th>duration s</th><th>answered s</th><th>disposition</th><th>cost (est.)</th></tr>\n"
        for call in cited {
            let cells = [
                CivilTime.iso8601(call.start), call.calling, call.dialled, call.country.isEmpty ? "-" : call.country,
                call.category, String(call.durationSeconds), String(call.billableSeconds), call.disposition,
                Self.money(call.estimatedCost) + " (" + call.rateBasis + ")",
            ]
            html += "<tr>" + cells.map { "<td>\(Self.escape($0))</td>" }.joined() + "</tr>\n"
        }
        html += "</table>"
        let gone = alert.evidence.filter { calls[$0] == nil }
        if !gone.isEmpty {
            html += "<p>Cited records no longer stored: \(gone.map(String.init).joined(separator: " "))</p>"
        }
        return html
    }

    /// A small SVG timeline: one bar per alert from its first to its last event, labelled with its detector,
    /// severity and start time.
    static func timeline(_ alerts: [Alert]) -> String {
        let start = alerts.map(\.firstEvent).min() ?? 0
        let end = max((alerts.map(\.lastEvent).max() ?? 0), start + 60)
        let width = 600.0
        let label = 260
        let scale = width / Double(end - start)
        var bars = ""
        for (index, alert) in alerts.enumerated() {
            let x = label + Int(Double(alert.firstEvent - start) * scale)
            let w = max(3, Int(Double(alert.lastEvent - alert.firstEvent) * scale))
            let y = 4 + index * 16
            let colour = alert.severity == .critical ? "#b00020" : "#e0a000"
            let text =
                "\(alert.detector) \(alert.severity.rawValue) \(CivilTime.iso8601(alert.firstEvent).dropFirst(11))"
            bars +=
                "<text x=\"0\" y=\"\(y + 10)\" font-size=\"11\">\(escape(text))</text>"
                + "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"12\" fill=\"\(colour)\">"
                + "<title>\(escape(alert.summary))</title></rect>"
        }
        let height = 8 + alerts.count * 16
        let total = label + Int(width) + 10
        return "<svg class=\"timeline\" width=\"\(total)\" height=\"\(height + 16)\" role=\"img\">"
            + "<rect x=\"\(label)\" y=\"0\" width=\"\(Int(width) + 10)\" height=\"\(height)\" fill=\"#f6f6f6\"/>\(bars)"
            + "<text x=\"\(label)\" y=\"\(height + 12)\" font-size=\"10\">\(CivilTime.iso8601(start))</text>"
            + "<text x=\"\(total - 120)\" y=\"\(height + 12)\" font-size=\"10\">\(CivilTime.iso8601(end))</text></svg>\n"
    }

    /// A cited call on one line, for the CSV.
    static func line(_ call: CitedCall) -> String {
        "\(CivilTime.iso8601(call.start)) \(call.calling) > \(call.dialled) (\(call.country.isEmpty ? "-" : call.country) "
            + "\(call.category)) \(call.durationSeconds)s answered \(call.billableSeconds)s \(call.disposition) "
            + "cost \(money(call.estimatedCost))"
    }

    /// An amount with two decimals.
    static func money(_ amount: Double) -> String { String(format: "%.2f", amount) }

    /// `text` safe inside HTML text and attribute values; one pass over its bytes, and none at all when it
    /// holds nothing to escape (most cells are numbers and times).
    static func escape(_ text: String) -> String {
        let special: (UInt8) -> Bool = { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }
        guard text.utf8.contains(where: special) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x26: out += Array("&amp;".utf8)
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func csvField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A }) else { return text }
        var out: [UInt8] = [0x22]
        for byte in text.utf8 {
            if byte == 0x22 { out.append(byte) }
            out.append(byte)
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
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
