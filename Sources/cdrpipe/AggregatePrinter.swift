import CDRRetention
import CDRStorage
import Foundation

/// Renders aggregate rows as a table, CSV or JSON; distinct counts below k are shown as `<k`.
struct AggregatePrinter {
    var dimensions: [String]
    var k: Int

    private static let measures = [
        "calls", "answered", "asr", "ner", "acd_s", "answered_min", "seconds", "callers", "called",
    ]

    private func measures(_ row: AggregateRow) -> [String] {
        [
            String(row.counts.calls), String(row.counts.answered), String(format: "%.3f", row.asr),
            String(format: "%.3f", row.ner), String(format: "%.1f", row.acd),
            String(format: "%.1f", row.answeredMinutes),
            String(row.counts.seconds), row.suppressed ? "<\(k)" : String(row.counts.callers),
            row.suppressed ? "<\(k)" : String(row.counts.called),
        ]
    }

    func table(_ rows: [AggregateRow]) -> String {
        let header = dimensions + Self.measures
        let body = rows.map { $0.values + measures($0) }
        var widths = header.map(\.count)
        for line in body { for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func render(_ line: [String]) -> String {
            line.enumerated().map { index, cell in
                index < dimensions.count
                    ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return ([render(header)] + body.map(render)).joined(separator: "\n")
    }

    func csv(_ rows: [AggregateRow]) -> String {
        let histogram = (0..<AggregateCounts.histogramBuckets).map { "h\($0)" }
        var text = (dimensions + Self.measures + histogram).joined(separator: ",") + "\n"
        for row in rows {
            let values = row.values.map {
                $0.contains(",") || $0.contains("\"") ? "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" : $0
            }
            text += (values + measures(row) + row.counts.histogram.map(String.init)).joined(separator: ",") + "\n"
        }
        return text
    }

    func json(_ rows: [AggregateRow]) -> String { AggregateRow.json(rows, dimensions: dimensions) }
}
