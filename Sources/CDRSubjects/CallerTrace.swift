import CDRModel
import CDRStorage

/// Who called a number that reports nuisance or malicious calls: one row per calling number, busiest first.
public struct CallerTrace: Sendable {
    /// One caller of the victim.
    public struct Row: Sendable, Equatable {
        /// The calling number.
        public var calling: String
        /// Calls to the victim (directly or diverted to it).
        public var calls: Int64
        /// Of which answered.
        public var answered: Int64
        /// Answered seconds.
        public var seconds: Int64
        /// First and last call start (epoch seconds).
        public var first: Int64
        /// Last call start.
        public var last: Int64
        /// Originating carriers seen.
        public var carriers: [String]
        /// Up to 20 record ids, for the investigator to open.
        public var evidence: [Int64]
    }

    /// The victim's number.
    public var victim: String
    /// Callers, most calls first.
    public var rows: [Row]

    /// Groups the victim's inbound records by caller.
    public init(victim: String, records: [StoredRecord]) {
        self.victim = victim
        var byCaller: [String: Row] = [:]
        for stored in records {
            let r = stored.record
            guard r.calling != victim, r.dialled == victim || r.diverting.contains(victim) else { continue }
            var row =
                byCaller[r.calling]
                ?? Row(
                    calling: r.calling,
                    calls: 0,
                    answered: 0,
                    seconds: 0,
                    first: r.start,
                    last: r.start,
                    carriers: [],
                    evidence: []
                )
            row.calls += 1
            if r.disposition == .answered {
                row.answered += 1
                row.seconds += r.billable
            }
            row.first = min(row.first, r.start)
            row.last = max(row.last, r.start)
            if !r.carrier.isEmpty, !row.carriers.contains(r.carrier) { row.carriers.append(r.carrier) }
            if row.evidence.count < 20 { row.evidence.append(stored.id) }
            byCaller[r.calling] = row
        }
        rows = byCaller.values.sorted { ($0.calls, $1.calling) > ($1.calls, $0.calling) }
    }

    /// The trace as JSON.
    public func json() -> String { RecordExport.encode(CallerTraceJSON(self)) }

    /// The trace as CSV.
    public func csv() -> String {
        RecordExport.csv(
            header: ["calling", "calls", "answered", "answered_seconds", "first", "last", "carriers", "evidence"],
            rows.map { row in
                [
                    row.calling, String(row.calls), String(row.answered), String(row.seconds),
                    CivilTime.iso8601(row.first), CivilTime.iso8601(row.last), row.carriers.joined(separator: ";"),
                    row.evidence.map(String.init).joined(separator: ";"),
                ]
            }
        )
    }
}
