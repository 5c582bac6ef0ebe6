import CDRModel

/// What fraud detection has learnt is usual for a number beyond its daily usage, in a data-subject export
/// (schema `Baseline`): peaks as of `as_of`, absent when not learnt.
public struct BaselineJSON: Codable, Sendable, Equatable {
    public var asOf: String
    public var usualPeakConcurrentCalls: Double?
    public var usualOffHoursInternationalPeak: Double?
    public var usualNewDestinationPeak: Double?
    public var countries: [String]?

    /// The JSON form of `baseline`.
    public init(_ baseline: SubjectBaseline) {
        asOf = baseline.day.description
        let rounded = { (value: Double?) in value.map { ($0 * 100).rounded() / 100 } }
        usualPeakConcurrentCalls = rounded(baseline.concurrency)
        usualOffHoursInternationalPeak = rounded(baseline.offHours)
        usualNewDestinationPeak = rounded(baseline.burst)
        countries = baseline.countries
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case usualPeakConcurrentCalls = "usual_peak_concurrent_calls"
        case usualOffHoursInternationalPeak = "usual_off_hours_international_peak"
        case usualNewDestinationPeak = "usual_new_destination_peak"
        case countries
    }
}
