import CDRModel
import CDRStorage
import Logging
import PostgresNIO
import Synchronization

/// Aggregate reads on a `PostgresClient` pool of their own, streamed row by row (the client's back
/// pressure keeps a six-year answer's rows out of memory), so an analysis holds no thread while PostgreSQL
/// works and never takes a connection the interactive reads need.
final class PostgresAggregateSource: AggregateSource {
    private let client: PostgresClient
    private let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Calls `body` with every summary row whose time key is in `times`.
    func forEachSummary(
        _ summary: AggregateSummary,
        times: ClosedRange<Int64>,
        _ body: (AggregateCell, AggregateCounts) throws -> Void
    ) async throws {
        try await forEachRow(PostgresStore.summaryQuery(summary, times: times), "reading \(summary.table)") { row in
            let (cell, counts) = try PostgresStore.summaryRow(row, summary)
            try body(cell, counts)
        }
    }

    /// Calls `body` with every cell of the days `days`.
    func forEachAggregate(
        days: ClosedRange<UTCDay>,
        _ body: (AggregateCell, AggregateCounts) throws -> Void
    ) async throws {
        try await forEachRow(PostgresStore.aggregatesQuery(days: days), "reading aggregates") { row in
            let (cell, counts) = try PostgresStore.aggregateRow(row)
            try body(cell, counts)
        }
    }

    /// The first day after `day` (or the first at all) with full records, up to `limit`.
    func nextRecordDay(after day: UTCDay?, through limit: UTCDay) async throws -> UTCDay? {
        do {
            return try await client.read(PostgresStore.nextRecordDay(after: day, through: limit), logger: logger)
        } catch  where PostgresSession.canceledByTimeout(error) {
            throw ServingRefusal.timeLimit
        }
    }

    /// Calls `body` with the facts of every record started on `day`.
    func forEachRecord(day: UTCDay, _ body: (borrowing RecordFacts) throws -> Void) async throws {
        let query = PostgresStore.dayRecordsQuery(day, before: Int64.max, excludingHeld: false)
        try await forEachRow(query, "reading day \(day)") { row in try PostgresStore.withFacts(row, body) }
    }

    /// Streams the rows of `query` into `body`; the time limit becomes ``ServingRefusal/timeLimit``.
    private func forEachRow(
        _ query: PostgresQuery,
        _ context: String,
        _ body: (PostgresRow) throws -> Void
    ) async throws {
        let rows: PostgresRowSequence
        do {
            rows = try await client.query(query, logger: logger)
            for try await row in rows { try body(row) }
        } catch let error as PSQLError {
            if PostgresSession.canceledByTimeout(error) { throw ServingRefusal.timeLimit }
            throw PostgresStoreError.query(context: context, message: PostgresSession.message(error))
        }
    }
}
