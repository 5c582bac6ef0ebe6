import CDRModel

/// A caller trace as JSON (schema `Trace`), the same for the CLI and the API.
public struct CallerTraceJSON: Codable, Sendable, Equatable {
    /// One caller of the victim (schema `TraceCaller`).
    public struct Caller: Codable, Sendable, Equatable {
        public var calling: String
        public var calls: Int64
        public var answered: Int64
        public var answeredSeconds: Int64
        public var first: String
        public var last: String
        public var carriers: [String]
        public var evidence: [Int64]

        enum CodingKeys: String, CodingKey {
            case calling, calls, answered, first, last, carriers, evidence
            case answeredSeconds = "answered_seconds"
        }
    }

    public var victim: String
    public var callers: [Caller]

    /// The JSON form of `trace`.
    public init(_ trace: CallerTrace) {
        victim = trace.victim
        callers = trace.rows.map { row in
            Caller(
                calling: row.calling,
                calls: row.calls,
                answered: row.answered,
                answeredSeconds: row.seconds,
                first: CivilTime.iso8601(row.first),
                last: CivilTime.iso8601(row.last),
                carriers: row.carriers,
                evidence: row.evidence
            )
        }
    }
}
