import CDRModel
import CDRStore
import Foundation

/// Renders stored records as a table, CSV or JSON.
enum RecordPrinter {
    static let columns = [
        "id", "calling", "dialled", "diverting", "start", "answer", "end", "duration", "billsec", "disposition",
        "carrier", "channel", "account", "source_id", "file", "line", "imsi", "imei", "cell", "egress",
    ]

    static func fields(_ s: StoredRecord) -> [String] {
        let r = s.record
        return [
            String(s.id), r.calling, r.dialled, r.diverting.joined(separator: ";"), CivilTime.iso8601(r.start),
            r.answer.map(CivilTime.iso8601) ?? "", CivilTime.iso8601(r.end), String(r.duration), String(r.billable),
            r.disposition.name, r.carrier, r.channel, r.account, r.sourceID, s.file, String(r.sourceLine), r.imsi,
            r.imei,
            r.cell, r.egress,
        ]
    }

    static func csv(_ rows: [StoredRecord]) -> String {
        func quote(_ field: String) -> String {
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        return ([columns] + rows.map(fields)).map { $0.map(quote).joined(separator: ",") + "\n" }.joined()
    }

    static func json(_ rows: [StoredRecord]) -> String {
        let objects = rows.map { row in
            var object = Dictionary(uniqueKeysWithValues: zip(columns, fields(row)).map { ($0, $1 as Any) })
            object["id"] = row.id
            object["duration"] = row.record.duration
            object["billsec"] = row.record.billable
            object["line"] = row.record.sourceLine
            object["diverting"] = row.record.diverting
            object["answer"] = row.record.answer.map { CivilTime.iso8601($0) as Any } ?? NSNull()
            return object
        }
        let data = try? JSONSerialization.data(
            withJSONObject: objects,
            options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        )
        return String(decoding: data ?? Data(), as: UTF8.self)
    }

    static func table(_ rows: [StoredRecord]) -> String {
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
