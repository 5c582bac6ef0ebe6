/// What fraud detection has learnt is usual for one calling number or `acct:` account beyond its daily
/// usage: its usual busiest moment of simultaneous calls, of off-hours international calls, of calls to
/// new countries, and the countries it calls. Detectors keep these in memory and write them to the store
/// as each day closes, so a subject dropped at a key cap, or met again by a later process, is judged
/// against its own habits rather than as a stranger. Every value is a peak or a set, so judging the same
/// records twice (a resumed file) writes the same baseline: nothing is counted twice. Personal data: it
/// expires with the profiles and goes with a subject's export and erasure.
///
/// As an update, a nil value leaves the stored one as it is.
public struct SubjectBaseline: Sendable, Equatable, Codable {
    /// The calling number, or `acct:` and the account code.
    public var key: String
    /// The day the values are as of.
    public var day: UTCDay
    /// The usual daily peak of simultaneous calls.
    public var concurrency: Double?
    /// The usual busiest half-hour of international or premium calls out of business hours.
    public var offHours: Double?
    /// The usual busiest window of calls to risky or new destinations.
    public var burst: Double?
    /// The countries it calls (ISO 3166 codes), most recent first.
    public var countries: [String]?

    /// A baseline as of `day`; values left nil are not known (or, in an update, not changed).
    public init(
        key: String,
        day: UTCDay,
        concurrency: Double? = nil,
        offHours: Double? = nil,
        burst: Double? = nil,
        countries: [String]? = nil
    ) {
        self.key = key
        self.day = day
        self.concurrency = concurrency
        self.offHours = offHours
        self.burst = burst
        self.countries = countries
    }

    /// This baseline with the values `update` sets, as of the later of the two days.
    public func merged(with update: SubjectBaseline) -> SubjectBaseline {
        SubjectBaseline(
            key: key,
            day: max(day, update.day),
            concurrency: update.concurrency ?? concurrency,
            offHours: update.offHours ?? offHours,
            burst: update.burst ?? burst,
            countries: update.countries ?? countries
        )
    }

    /// The countries of their stored form, ISO codes separated by spaces.
    public static func countries(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

    /// A peak as of `day` decayed to `today` at 10 % a day, the decay every peak baseline uses.
    public static func decayed(_ peak: Double?, from day: UTCDay, to today: UTCDay) -> Double {
        guard let peak else { return 0 }
        var value = peak
        var days = min(max(0, today.rawValue - day.rawValue), 400)
        while days > 0 {
            value *= 0.9
            days -= 1
        }
        return value
    }
}
