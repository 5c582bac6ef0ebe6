import CDRModel
import CDRStorage

extension SQLiteStore {
    /// Reads stored records in start order (then id), day by day, so a single consumer such as fraud
    /// detection sees every file's records in event time. Only days in `days` and, when given, records of
    /// `files` are read. Memory is bounded by one day's sort, which SQLite spills to disk when large.
    public func scanRecords(
        days: ClosedRange<Int64>? = nil,
        files: Set<Int64>? = nil,
        _ body: (_ id: Int64, _ fileID: Int64, _ record: CallRecord) -> Void
    ) throws(StoreError) {
        for month in knownPartitions.sorted() {
            let table = Self.partitionName(month: month)
            let bounds = try connection.prepare("SELECT min(day), max(day) FROM \(table)")
            guard try bounds.step(), let first = bounds.optionalInt(0), let last = bounds.optionalInt(1) else {
                continue
            }
            let lower = max(first, days?.lowerBound ?? first)
            let upper = min(last, days?.upperBound ?? last)
            guard lower <= upper else { continue }
            let statement = try connection.prepare(
                """
                SELECT \(Self.scanColumns) FROM \(table) WHERE day = ?1 ORDER BY start_at, id
                """
            )
            for day in lower...upper {
                statement.reset()
                statement.bind(1, day)
                while try statement.step() {
                    let fileID = statement.int(1)
                    if let files, !files.contains(fileID) { continue }
                    body(statement.int(0), fileID, Self.scannedRecord(statement))
                }
            }
        }
    }

    /// The records with these ids started in `window`, looked up by id in the partitions of its months.
    public func records(ids: [Int64], startedIn window: ClosedRange<Int64>) throws(StoreError) -> [Int64: CallRecord] {
        var found: [Int64: CallRecord] = [:]
        guard !ids.isEmpty else { return found }
        let months = EpochSeconds(window.lowerBound).day.month...EpochSeconds(window.upperBound).day.month
        for month in knownPartitions.sorted() where months.contains(month) {
            let statement = try connection.prepare(
                "SELECT \(Self.scanColumns) FROM \(Self.partitionName(month: month)) WHERE id = ? AND start_at BETWEEN ? AND ?"
            )
            for id in ids where found[id] == nil {
                statement.reset()
                statement.bind(1, id)
                statement.bind(2, window.lowerBound)
                statement.bind(3, window.upperBound)
                if try statement.step() { found[id] = Self.scannedRecord(statement) }
            }
        }
        return found
    }

    /// The columns ``scannedRecord(_:)`` reads, in its order.
    static let scanColumns = """
        id, file_id, calling, dialled, diverting, start_at, answer_at, end_at, duration, billsec, disposition, carrier, \
        account, imsi, imei, cell, egress, leg, part
        """

    /// The call in a row selected with ``scanColumns`` (its id and file are columns 0 and 1).
    @inline(__always)
    static func scannedRecord(_ statement: Statement) -> CallRecord {
        var record = CallRecord(
            calling: statement.text(2),
            dialled: statement.text(3),
            diverting: statement.optionalText(4).map { $0.split(separator: ",").map(String.init) } ?? [],
            start: statement.int(5),
            answer: statement.optionalInt(6),
            end: statement.int(7),
            duration: statement.int(8),
            billable: statement.int(9),
            disposition: Disposition(rawValue: UInt8(statement.int(10))) ?? .unknown,
            carrier: statement.text(11),
            account: statement.text(12)
        )
        record.imsi = statement.text(13)
        record.imei = statement.text(14)
        record.cell = statement.text(15)
        record.egress = statement.text(16)
        record.leg = CallLeg(rawValue: UInt8(truncatingIfNeeded: statement.int(17))) ?? .call
        record.part = Int(statement.int(18))
        return record
    }
}
