/// The dialling rules of the network that wrote the CDRs: how national and international numbers
/// are written, so they can be rewritten as E.164.
public struct NumberPlan: Sendable, Hashable, Codable {
    /// The home country calling code, digits only (`44` for the UK).
    public var countryCode: String
    /// The trunk prefix of national numbers (`0` in the UK); empty where the country has none.
    public var nationalPrefix: String
    /// International access prefixes (`00`, `011`); `+` is always understood.
    public var internationalPrefixes: [String]
    /// Digit strings up to this length without a prefix are extensions or short codes, kept as-is.
    public var maxShortCodeLength: Int

    /// Creates a plan; the defaults describe the UK.
    public init(
        countryCode: String = "44",
        nationalPrefix: String = "0",
        internationalPrefixes: [String] = ["00"],
        maxShortCodeLength: Int = 6
    ) {
        self.countryCode = countryCode
        self.nationalPrefix = nationalPrefix
        self.internationalPrefixes = internationalPrefixes.sorted { $0.count > $1.count }
        self.maxShortCodeLength = maxShortCodeLength
    }

    /// The usual plan for a home country code: national prefix `0` except NANP (`1`) and a few
    /// countries without one; international prefix `011` in NANP, `00` elsewhere.
    public static func forCountry(_ code: String) -> NumberPlan {
        switch code {
        case "1": NumberPlan(countryCode: "1", nationalPrefix: "1", internationalPrefixes: ["011"])
        case "7": NumberPlan(countryCode: "7", nationalPrefix: "8", internationalPrefixes: ["810", "00"])
        case "34", "39", "45", "47", "351", "352", "30", "420", "421":
            NumberPlan(countryCode: code, nationalPrefix: "", internationalPrefixes: ["00"])
        default: NumberPlan(countryCode: code)
        }
    }
}
