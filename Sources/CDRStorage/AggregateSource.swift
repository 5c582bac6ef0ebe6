import CDRModel

/// What an aggregate query reads, `async`: a store that serves analyses without holding a thread while the
/// database works (PostgreSQL's client pool). The same reads as ``RetentionStore``'s, streamed.
public protocol AggregateSource: Sendable {
    /// Calls `body` with every summary row whose time key is in `times`.
    func forEachSummary(
        _ summary: AggregateSummary,
        times: ClosedRange<Int64>,
        _ body: (AggregateCell, AggregateCounts) throws -> Void
    ) async throws
    /// Calls `body` with every cell of the days `days`.
    func forEachAggregate(
        days: ClosedRange<UTCDay>,
        _ body: (AggregateCell, AggregateCounts) throws -> Void
    ) async throws
    /// The first day after `day` (or the first at all) with full records, up to `limit`.
    func nextRecordDay(after day: UTCDay?, through limit: UTCDay) async throws -> UTCDay?
    /// Calls `body` with the facts of every record started on `day`.
    func forEachRecord(day: UTCDay, _ body: (borrowing RecordFacts) throws -> Void) async throws
}
