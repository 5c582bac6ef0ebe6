/// The dialling rules of the network that wrote the CDRs: how national and international numbers
/// are written, so they can be rewritten as E.164.
public struct NumberPlan: Sendable, Hashable, Codable {
    /// The home country calling code, digits only (`44` for the UK).
    public var countryCode: String
    /// The trunk prefix of national numbers (`0` in the UK); empty where the country has none.
    public var nationalPrefix: String
    /// International access prefixes (`00`, `011`); `+` is always understood.
    public var internationalPrefixes: [String]
    /// PBX outside-line codes (`9`) dialled before a national or international number; stripped when
    /// a number of at least 7 digits follows.
    public var accessPrefixes: [String]
    /// Digit strings up to this length without a prefix are extensions or short codes, kept as-is.
    public var maxShortCodeLength: Int
    /// How many digits a national significant number has, where known (UK 9–10, NANP 10); a national
    /// number outside it is kept as written instead of being turned into a wrong E.164 number.
    public var nationalNumberLengths: ClosedRange<Int>?

    /// Creates a plan; the defaults describe the UK.
    public init(
        countryCode: String = "44",
        nationalPrefix: String = "0",
        internationalPrefixes: [String] = ["00"],
        accessPrefixes: [String] = [],
        maxShortCodeLength: Int = 6,
        nationalNumberLengths: ClosedRange<Int>? = 9...10
    ) {
        self.countryCode = countryCode
        self.nationalPrefix = nationalPrefix
        self.internationalPrefixes = internationalPrefixes.sorted { $0.count > $1.count }
        self.accessPrefixes = accessPrefixes.sorted { $0.count > $1.count }
        self.maxShortCodeLength = maxShortCodeLength
        self.nationalNumberLengths = nationalNumberLengths
    }

    /// The usual plan for a home country code: national prefix `0` except NANP (`1`) and a few
    /// countries without one; international prefix `011` in NANP, `00` elsewhere.
    public static func forCountry(_ code: String, accessPrefixes: [String] = []) -> NumberPlan {
        switch code {
        case "44":
            NumberPlan(accessPrefixes: accessPrefixes)
        case "1":
            NumberPlan(
                countryCode: "1",
                nationalPrefix: "1",
                internationalPrefixes: ["011"],
                accessPrefixes: accessPrefixes,
                nationalNumberLengths: 10...10
            )
        case "7":
            NumberPlan(
                countryCode: "7",
                nationalPrefix: "8",
                internationalPrefixes: ["810", "00"],
                accessPrefixes: accessPrefixes,
                nationalNumberLengths: 10...10
            )
        case "34", "39", "45", "47", "351", "352", "30", "420", "421":
            NumberPlan(
                countryCode: code,
                nationalPrefix: "",
                internationalPrefixes: ["00"],
                accessPrefixes: accessPrefixes,
                nationalNumberLengths: nil
            )
        default:
            NumberPlan(countryCode: code, accessPrefixes: accessPrefixes, nationalNumberLengths: nil)
        }
    }
}
