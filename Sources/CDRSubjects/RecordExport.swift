import CDRModel
import CDRStorage
import Foundation

/// Stored records, alerts and holds as CSV or JSON, the same for the CLI and the API.
public enum RecordExport {
    /// The record columns, in order.
    public static let recordColumns = [
        "id", "calling", "dialled", "diverting", "start", "answer", "end", "duration", "billsec", "disposition",
        "carrier", "channel", "account", "source_id", "file", "line", "imsi", "imei", "cell", "egress", "leg", "part",
    ]

    static func fields(_ s: StoredRecord) -> [String] {
        let r = s.record
        return [
            String(s.id), r.calling, r.dialled, r.diverting.joined(separator: ";"), CivilTime.iso8601(r.start),
            r.answer.map(CivilTime.iso8601) ?? "", CivilTime.iso8601(r.end), String(r.duration), String(r.billable),
            r.disposition.name, r.carrier, r.channel, r.account, r.sourceID, s.file, String(r.sourceLine), r.imsi,
            r.imei, r.cell, r.egress, r.leg.name, String(r.part),
        ]
    }

    /// Records as CSV with a header line.
    public static func csv(_ rows: [StoredRecord]) -> String {
        csv(header: recordColumns, rows.map(fields))
    }

    /// Records as a JSON array.
    public static func json(_ rows: [StoredRecord]) -> String { encode(rows.map(RecordJSON.init)) }

    /// The alert columns, in order.
    public static let alertColumns = [
        "id", "detector", "rule", "severity", "subject", "window_start", "first_event", "last_event", "case",
        "summary", "evidence", "measures",
    ]

    /// Alerts as CSV (evidence ids joined by `;`, measures as JSON text).
    public static func csv(_ alerts: [AlertRow]) -> String {
        csv(
            header: alertColumns,
            alerts.map { a in
                [
                    a.id, a.detector, a.rule, a.severity, a.subject, CivilTime.iso8601(a.windowStart),
                    CivilTime.iso8601(a.firstEvent), CivilTime.iso8601(a.lastEvent), String(a.caseID), a.summary,
                    a.evidence.map(String.init).joined(separator: ";"), a.measuresJSON,
                ]
            }
        )
    }

    /// The hold columns, in order.
    public static let holdColumns = [
        "id", "number", "from", "to", "case", "reason", "created_at", "created_by", "released_at", "released_by",
    ]

    static func fields(_ h: Hold) -> [String] {
        [
            String(h.id), h.number, h.from.map(CivilTime.iso8601) ?? "", h.to.map(CivilTime.iso8601) ?? "", h.caseRef,
            h.reason, CivilTime.iso8601(h.createdAt), h.createdBy, h.releasedAt.map(CivilTime.iso8601) ?? "",
            h.releasedBy ?? "",
        ]
    }

    /// Holds as CSV.
    public static func csv(_ holds: [Hold]) -> String { csv(header: holdColumns, holds.map(fields)) }

    /// Rows as RFC 4180 CSV under a header line.
    public static func csv(header: [String], _ rows: [[String]]) -> String {
        func quote(_ field: String) -> String {
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        return ([header] + rows).map { $0.map(quote).joined(separator: ",") + "\n" }.joined()
    }

    /// A value as pretty, key-sorted JSON text, as the CLI and the API write it.
    public static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Records as an aligned table for a terminal.
    public static func table(_ rows: [StoredRecord]) -> String {
        var lines = ["start                 calling          dialled          disposition  dur  bill  carrier"]
        for row in rows {
            let r = row.record
            lines.append(
                [
                    CivilTime.iso8601(r.start), r.calling, r.dialled, r.disposition.name, String(r.duration),
                    String(r.billable), r.carrier,
                ]
                .enumerated().map { $1.padding(toLength: [22, 17, 17, 13, 5, 6, 20][$0], withPad: " ", startingAt: 0) }
                .joined()
            )
        }
        lines.append("\(rows.count) records")
        return lines.joined(separator: "\n")
    }
}
