/// Which way a call crossed the operator's boundary, derived from where its two parties are.
///
/// A party is "on-net" when it is not an E.164 number (an extension, short code or withheld caller).
/// Two E.164 parties are compared by country against the home country.
public enum CallDirection: String, Sendable, CaseIterable, Codable {
    /// Both parties on-net (extension to extension).
    case `internal`
    /// From on-net, or from home, to a number outside (an extension dialling out; home to abroad).
    case outbound
    /// From outside into on-net, or from abroad to home.
    case inbound
    /// Between two home-country E.164 numbers.
    case national
    /// Between two foreign numbers (transit through the network).
    case transit

    /// The direction of a call from `calling` to `dialled` for a network whose home region is `home`.
    public init(calling: Destination, dialled: Destination, home: String) {
        switch (calling.isE164, dialled.isE164) {
        case (false, false): self = .internal
        case (false, true): self = .outbound
        case (true, false): self = .inbound
        case (true, true):
            let callingHome = calling.country == home
            let dialledHome = dialled.country == home
            switch (callingHome, dialledHome) {
            case (true, true): self = .national
            case (true, false): self = .outbound
            case (false, true): self = .inbound
            case (false, false): self = .transit
            }
        }
    }
}
