import CDRAccess
import CDRModel
import CDRRetention
import CDRStore
import CDRSubjects
import Foundation
import Hummingbird
import Synchronization

/// Analysts' endpoints: anonymised aggregates and the KPIs derived from them; no number ever leaves here.
extension APIServer {
    func addAnalystRoutes(_ router: Router<BasicRequestContext>) {
        router.get("v1/aggregates") { [self] request, _ -> Response in
            _ = try authorize(request, for: .aggregates)
            let query = try QueryParameters(request, allowed: ["from", "to", "by", "format"])
            let dimensions = try Self.dimensions(query["by"] ?? "day")
            let rows = try aggregateRows(query, dimensions)
            let names = dimensions.map(\.rawValue)
            if try query.format() == .csv {
                return Self.csv(
                    RecordExport.csv(
                        header: names + [
                            "calls", "answered", "asr", "ner", "acd_seconds", "answered_minutes", "callers",
                        ],
                        rows.map { row in
                            row.values + [
                                String(row.counts.calls), String(row.counts.answered), String(row.asr), String(row.ner),
                                String(row.acd), String(row.answeredMinutes),
                                row.suppressed ? "" : String(row.counts.callers),
                            ]
                        }
                    )
                )
            }
            return Self.json(AggregateRow.json(rows, dimensions: names))
        }
        router.get("v1/kpis") { [self] request, _ -> Response in
            _ = try authorize(request, for: .kpis)
            let query = try QueryParameters(request, allowed: ["from", "to", "by", "format"])
            let period = query["by"] ?? "day"
            guard ["day", "month", "hour"].contains(period) else {
                throw HTTPError(.badRequest, message: "by \"\(period)\" must be day, month or hour")
            }
            let rows = try aggregateRows(query, [AggregateDimension(rawValue: period)!])
            let header = [period, "calls", "answered", "asr", "ner", "acd_seconds", "answered_minutes"]
            let table = rows.map { row in
                [
                    row.values[0], String(row.counts.calls), String(row.counts.answered), Self.fixed(row.asr),
                    Self.fixed(row.ner), Self.fixed(row.acd), Self.fixed(row.answeredMinutes),
                ]
            }
            if try query.format() == .csv { return Self.csv(RecordExport.csv(header: header, table)) }
            let objects = rows.map { row -> [String: Any] in
                [
                    period: row.values[0], "calls": row.counts.calls, "answered": row.counts.answered,
                    "asr": row.asr, "ner": row.ner, "acd_seconds": row.acd, "answered_minutes": row.answeredMinutes,
                ]
            }
            return Self.json(RecordExport.json(objects))
        }
    }

    /// The aggregate rows for a validated date range, at most six years and ``maxRows``… rows × 100.
    func aggregateRows(_ query: QueryParameters, _ dimensions: [AggregateDimension]) throws -> [AggregateRow] {
        let first = try query.day("from")
        let last = try query.day("to")
        guard first <= last else { throw HTTPError(.badRequest, message: "from is after to") }
        guard last - first <= 6 * 366 else { throw HTTPError(.badRequest, message: "at most six years per request") }
        let policy = policy
        let rows = try store.withLock { store -> Result<[AggregateRow], RetentionError> in
            Result { () throws(RetentionError) in
                try AggregateQuery(store: store, policy: policy).run(days: first...last, by: dimensions)
            }
        }.get()
        guard rows.count <= 100 * Self.maxRows else {
            throw HTTPError(.badRequest, message: "\(rows.count) rows: narrow the range or use fewer dimensions")
        }
        return rows
    }

    static func dimensions(_ text: String) throws -> [AggregateDimension] {
        var dimensions: [AggregateDimension] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let dimension = AggregateDimension(rawValue: String(name)) else {
                throw HTTPError(
                    .badRequest,
                    message:
                        "by \"\(name)\" is not one of \(AggregateDimension.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard !dimensions.contains(dimension) else {
                throw HTTPError(.badRequest, message: "by names \(name) twice")
            }
            dimensions.append(dimension)
        }
        return dimensions
    }

    static func fixed(_ value: Double) -> String { String(format: "%.4f", value) }
}
