import CDRModel

/// What fraud detection over stored records needs of a store, so that the same single consumer runs over
/// SQLite and PostgreSQL: records in start order, and alerts stored once each and grouped into cases.
public protocol DetectionStore: AnyObject {
    /// Runs `body` in one transaction: all of it is stored, or none of it.
    func atomically<T>(_ body: () throws -> T) throws -> T
    /// Calls `body` with the stored records of `days` (all when nil) and `files` (all when nil), in start order.
    func scanRecords(
        days: ClosedRange<Int64>?,
        files: Set<Int64>?,
        _ body: (_ id: Int64, _ fileID: Int64, _ record: CallRecord) -> Void
    ) throws
    /// Stores an alert unless its id exists, attaching it to a case; true when stored.
    @discardableResult
    func insertAlert(_ row: AlertRow) throws -> Bool
    /// The stored records with these ids among those started in `window` (an alert's first to last event),
    /// by id: the calls an alert cites, for its report.
    func records(ids: [Int64], startedIn window: ClosedRange<Int64>) throws -> [Int64: CallRecord]
    /// The alerts with these ids, in the given order.
    func alerts(ids: [String]) throws -> [AlertRow]
    /// Alerts whose first event is at or after `since`, critical ones only when asked, newest first.
    func alerts(since: Int64?, criticalOnly: Bool, limit: Int) throws -> [AlertRow]
}
