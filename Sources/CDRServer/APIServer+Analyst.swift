import CDRAccess
import CDRModel
import CDRRetention
import CDRStorage
import CDRSubjects
import Foundation
import Hummingbird
import Synchronization

/// Analysts' endpoints: anonymised aggregates and the KPIs derived from them; no number ever leaves here.
extension APIServer {
    func addAnalystRoutes(_ router: Router<APIRequestContext>) {
        router.get("v1/aggregates") { [self] request, context in try await aggregates(request, context) }
        router.get("v1/kpis") { [self] request, context in try await kpis(request, context) }
    }

    /// `GET /v1/aggregates`: anonymised aggregates by the requested dimensions (analysts).
    func aggregates(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try await authorize(request, context, for: .aggregates)
        let query = try QueryParameters(request, allowed: ["from", "to", "by", "format"])
        let dimensions = try Self.dimensions(query["by"] ?? "day")
        let format = try query.format()
        let names = dimensions.map(\.rawValue)
        let text = try await aggregateAnswer(query, context: context, dimensions, key: "aggregates|\(format)") { rows in
            guard format == .csv else { return AggregateRow.json(rows, dimensions: names) }
            return RecordExport.csv(
                header: names + ["calls", "answered", "asr", "ner", "acd_seconds", "answered_minutes", "callers"],
                rows.map { row in
                    row.values + [
                        String(row.counts.calls), String(row.counts.answered), String(row.asr), String(row.ner),
                        String(row.acd), String(row.answeredMinutes),
                        row.suppressed ? "" : String(row.counts.callers),
                    ]
                }
            )
        }
        return Self.response(
            text.text,
            type: format == .csv ? "text/csv; charset=utf-8" : "application/json",
            freshness: text.freshness
        )
    }

    /// `GET /v1/kpis`: ASR, NER and ACD by day, month or hour (analysts).
    func kpis(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try await authorize(request, context, for: .kpis)
        let query = try QueryParameters(request, allowed: ["from", "to", "by", "format"])
        let period = query["by"] ?? "day"
        guard ["day", "month", "hour"].contains(period) else {
            throw HTTPError(.badRequest, message: "by \"\(period)\" must be day, month or hour")
        }
        let format = try query.format()
        let text = try await aggregateAnswer(
            query,
            context: context,
            [AggregateDimension(rawValue: period)!],
            key: "kpis|\(format)"
        ) {
            rows in
            if format == .csv {
                let header = [period, "calls", "answered", "asr", "ner", "acd_seconds", "answered_minutes"]
                return RecordExport.csv(
                    header: header,
                    rows.map { row in
                        [
                            row.values[0], String(row.counts.calls), String(row.counts.answered),
                            Self.fixed(row.asr), Self.fixed(row.ner), Self.fixed(row.acd),
                            Self.fixed(row.answeredMinutes),
                        ]
                    }
                )
            }
            return RecordExport.encode(rows.map { KPIRowBody($0, period: period) })
        }
        return Self.response(
            text.text,
            type: format == .csv ? "text/csv; charset=utf-8" : "application/json",
            freshness: text.freshness
        )
    }

    /// The rendered answer to an aggregate query over a validated date range (at most six years), and how
    /// fresh it is. An answer computed at the current data version comes from the cache with no database
    /// connection. Otherwise one computation per query runs on the analysis lane (concurrent askers share
    /// it); a request arriving while it runs is given the previous answer at once, marked stale, rather than
    /// queued behind it, and one with no previous answer waits for it.
    func aggregateAnswer(
        _ query: QueryParameters,
        context: APIRequestContext? = nil,
        _ dimensions: [AggregateDimension],
        key prefix: String,
        render: @escaping @Sendable ([AggregateRow]) -> String
    ) async throws -> (text: ByteBuffer, freshness: String) {
        let first = try query.day("from")
        let last = try query.day("to")
        guard first <= last else { throw HTTPError(.badRequest, message: "from is after to") }
        guard first.distance(to: last) <= 6 * 366 else {
            throw HTTPError(.badRequest, message: "at most six years per request")
        }
        let key = "\(prefix)|\(first.rawValue)|\(last.rawValue)|\(dimensions.map(\.rawValue).joined(separator: ","))"
        let version: Int64
        if let known = context?.dataVersion { version = known } else { version = try await dataVersion() }
        let kept = cache.withLock { $0.lookup(key) }
        if let kept, kept.version == version { return (kept.text, "cached") }
        let (flight, started) = flights.withLock { running -> (Task<ByteBuffer, any Error>, Bool) in
            if let flight = running[key] { return (flight, false) }
            let task = Task { [self] in
                let text = try await computeAnswer(key, days: first...last, by: dimensions, render: render)
                cache.withLock { $0.store(key, text, version: version) }
                return text
            }
            running[key] = task
            return (task, true)
        }
        if !started, let kept { return (kept.text, "stale-while-refreshing") }
        let result = await flight.result
        if started { _ = flights.withLock { $0.removeValue(forKey: key) } }
        return (try result.get(), started ? "computed" : "shared")
    }

    /// Computes and renders an aggregate answer: streamed from the store's `async` source when it has one,
    /// else on the analysis lane.
    private func computeAnswer(
        _ key: String,
        days: ClosedRange<UTCDay>,
        by dimensions: [AggregateDimension],
        render: @escaping @Sendable ([AggregateRow]) -> String
    ) async throws -> ByteBuffer {
        let policy = policy
        let streamed = try await serving { [store] in
            try await store.withAggregateSource { source in
                try await withTaskExecutorPreference(BackgroundExecutor.shared) {
                    try Self.rendered(
                        try await AggregateQuery.run(source: source, policy: policy, days: days, by: dimensions),
                        render
                    )
                }
            }
        }
        if let streamed { return streamed }
        let answer = try await outcome(on: .analysis, cause: Self.storeCause) {
            store throws(RetentionError) -> ByteBuffer in
            let rows = try AggregateQuery(store: store, policy: policy).run(days: days, by: dimensions)
            guard rows.count <= 100 * Self.maxRows else {
                throw .invalid("\(rows.count) rows: narrow the range or use fewer dimensions")
            }
            return ByteBuffer(string: render(rows))
        }
        switch answer {
        case .success(let text): return text
        case .failure(.invalid(let message)): throw HTTPError(.badRequest, message: message)
        case .failure(let error):
            FileHandle.standardError.write(Data("cdrpipe serve: \(error.description)\n".utf8))
            throw HTTPError(.internalServerError, message: "database error; see the server log")
        }
    }

    /// The rendered rows, or a 400 when there are too many to send.
    private static func rendered(
        _ rows: [AggregateRow],
        _ render: ([AggregateRow]) -> String
    ) throws -> ByteBuffer {
        guard rows.count <= 100 * maxRows else {
            throw HTTPError(.badRequest, message: "\(rows.count) rows: narrow the range or use fewer dimensions")
        }
        return ByteBuffer(string: render(rows))
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

    /// The store failure inside a retention error, if that is what it is.
    static func storeCause(_ error: RetentionError) -> (any Error)? {
        if case .store(let cause) = error { cause } else { nil }
    }

    static func fixed(_ value: Double) -> String { String(format: "%.4f", value) }
}
