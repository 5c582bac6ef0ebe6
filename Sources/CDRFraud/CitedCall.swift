import CDRModel

/// One call an alert cites, as a fraud analyst reads it: when, who called whom, where that is and what kind
/// of range, how long, how it ended, and what it may cost.
public struct CitedCall: Sendable, Codable, Equatable {
    /// The stored record's id.
    public var id: Int64
    /// Call start (UTC epoch seconds).
    public var start: Int64
    /// The calling (A) number.
    public var calling: String
    /// The dialled (B) number.
    public var dialled: String
    /// The destination country (ISO 3166-1 alpha-2, `001` for non-geographic codes), empty when unknown.
    public var country: String
    /// The risk-range category (`satellite`, `hrn`, `premium`, `test`, `risk`) when the number is listed,
    /// else the kind of number (`international`, `mobile`, `national`).
    public var category: String
    /// Seconds from seizure to release.
    public var durationSeconds: Int64
    /// Answered (billable) seconds.
    public var billableSeconds: Int64
    /// How the call ended.
    public var disposition: String
    /// Answered minutes × the per-minute rate: an estimate.
    public var estimatedCost: Double
    /// Where the rate came from (`table +8816`, `default satellite`).
    public var rateBasis: String

    enum CodingKeys: String, CodingKey {
        case id, start, calling, dialled, country, category, disposition
        case durationSeconds = "duration_seconds"
        case billableSeconds = "billable_seconds"
        case estimatedCost = "estimated_cost"
        case rateBasis = "rate_basis"
    }

    /// Describes a stored call for a report, classifying its destination and pricing its answered minutes.
    public init(id: Int64, record: CallRecord, ranges: RiskRanges, classifier: NumberClassifier, rates: CallRates) {
        self.id = id
        start = record.start
        calling = record.calling
        dialled = record.dialled
        let destination = classifier.classify(record.dialled)
        country = destination.country
        if let range = ranges.match(record.dialled) {
            category = range.category.rawValue
        } else if destination.type == .international
            || (!destination.country.isEmpty && destination.country != classifier.homeRegion)
        {
            category = "international"
        } else {
            category = destination.type == .mobile ? "mobile" : destination.type == .premium ? "premium" : "national"
        }
        durationSeconds = record.duration
        billableSeconds = record.billable
        disposition = record.disposition.name
        let rate = rates.rate(dialled: record.dialled, category: category)
        estimatedCost = (Double(record.billable) / 60 * rate.perMinute * 100).rounded() / 100
        rateBasis = rate.basis
    }
}
