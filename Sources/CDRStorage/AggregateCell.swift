/// One cell of the anonymised aggregates: a UTC day and hour with generalised dimensions. A dimension
/// folded away by the small-cell rule holds ``AggregateCell/folded`` (`*`); hour 24 is the whole day.
public struct AggregateCell: Sendable, Hashable, Codable {
    /// The placeholder of a dimension folded into a coarser cell.
    public static let folded = "*"
    /// The hour value of a cell folded to the whole day.
    public static let wholeDay: Int64 = 24

    /// UTC day number.
    public var day: Int64
    /// UTC hour of day 0–23, or 24 for the whole day.
    public var hour: Int64
    /// Originating carrier or trunk.
    public var carrier: String
    /// Destination region (ISO 3166-1 alpha-2), empty for non-E.164 destinations.
    public var country: String
    /// Destination line type (``CDRModel/NumberType`` raw value).
    public var type: String
    /// Destination geographic area, empty when not geographic.
    public var area: String
    /// Call direction (``CDRModel/CallDirection`` raw value).
    public var direction: String
    /// Disposition name.
    public var disposition: String

    /// Creates a cell.
    public init(
        day: Int64,
        hour: Int64,
        carrier: String,
        country: String,
        type: String,
        area: String,
        direction: String,
        disposition: String
    ) {
        self.day = day
        self.hour = hour
        self.carrier = carrier
        self.country = country
        self.type = type
        self.area = area
        self.direction = direction
        self.disposition = disposition
    }
}

/// The measures of one aggregate cell. Everything adds up across cells except the distinct counts, which
/// are exact per stored cell and an upper bound when cells are summed.
public struct AggregateCounts: Sendable, Hashable, Codable {
    /// Upper bounds (inclusive, billable seconds) of the duration histogram buckets; the last is open.
    public static let histogramBounds: [Int64] = [0, 5, 30, 60, 180, 600, 1800]
    /// Number of histogram buckets.
    public static let histogramBuckets = 8

    /// Call attempts.
    public var calls: Int64 = 0
    /// Answered calls.
    public var answered: Int64 = 0
    /// Calls the network completed: answered, busy, no answer or abandoned (the numerator of NER).
    public var effective: Int64 = 0
    /// Total seconds from start to end.
    public var seconds: Int64 = 0
    /// Billable (talk) seconds.
    public var billable: Int64 = 0
    /// Calls per billable-seconds bucket (see ``histogramBounds``).
    public var histogram: [Int64] = Array(repeating: 0, count: histogramBuckets)
    /// Distinct calling subscribers.
    public var callers: Int64 = 0
    /// Distinct called subscribers.
    public var called: Int64 = 0

    /// Creates empty counts.
    public init() {}

    /// The histogram bucket of a call's billable seconds.
    @inline(__always)
    public static func bucket(billable: Int64) -> Int {
        var index = 0
        while index < histogramBounds.count && billable > histogramBounds[index] { index += 1 }
        return index
    }

    /// Adds another cell's measures (distinct counts summed: an upper bound).
    public mutating func add(_ other: AggregateCounts) {
        calls += other.calls
        answered += other.answered
        effective += other.effective
        seconds += other.seconds
        billable += other.billable
        for index in 0..<Self.histogramBuckets { histogram[index] += other.histogram[index] }
        callers += other.callers
        called += other.called
    }
}
