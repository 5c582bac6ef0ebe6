/// What kind of record a stored call is, worked out once per record, so the engine hands each record only
/// to the detectors that look at that kind (most calls are domestic and concern four or five of them).
public struct RecordTraits: OptionSet, Sendable {
    /// The bits.
    public let rawValue: UInt16

    /// Traits from their bits.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Every record has it: a detector interested in it sees every record.
    public static let any = RecordTraits(rawValue: 1 << 0)
    /// The dialled number is an E.164 number outside the home country.
    public static let dialsAbroad = RecordTraits(rawValue: 1 << 1)
    /// The calling number is an E.164 number outside the home country.
    public static let fromAbroad = RecordTraits(rawValue: 1 << 2)
    /// The dialled number falls in a listed risk range.
    public static let listed = RecordTraits(rawValue: 1 << 3)
    /// The dialled number is a premium-rate number.
    public static let premium = RecordTraits(rawValue: 1 << 4)
    /// The call was diverted (it names a diverting party).
    public static let diverted = RecordTraits(rawValue: 1 << 5)
    /// The record names the SIM (IMSI) that made the call.
    public static let mobile = RecordTraits(rawValue: 1 << 6)
    /// The call was answered.
    public static let answered = RecordTraits(rawValue: 1 << 7)
}
