/// What kind of line a number reaches, as operators group destinations in traffic reports.
public enum NumberType: String, Sendable, CaseIterable, Codable {
    /// A mobile subscriber.
    case mobile
    /// A fixed line in a geographic area.
    case geographic
    /// A non-geographic national range (UK 03, 084, 087, 055/056; personal numbers; pagers).
    case nonGeographic = "non-geographic"
    /// A number free to the caller (UK 080, NANP 8XX toll-free).
    case freephone
    /// A premium-rate range (UK 09, NANP 900).
    case premium
    /// A number in a foreign country whose ranges cdrpipe has no table for.
    case international
    /// An extension, short code or other on-net identifier of up to six characters.
    case `internal`
    /// No number was recorded (withheld or unavailable).
    case withheld
    /// Anything else: an unnormalised dial string, or a home number outside the known ranges.
    case other
}

/// A number generalised for anonymised statistics: its country, line type and, for geographic numbers, the
/// area. Nothing in it identifies a subscriber.
public struct Destination: Sendable, Hashable {
    /// ISO 3166-1 alpha-2 region (`GB`), `001` for non-geographic country codes, empty when not E.164.
    public var country: String
    /// The line type.
    public var type: NumberType
    /// The geographic area code (UK `161`, NANP `212`), empty otherwise.
    public var area: String

    /// Creates a destination.
    public init(country: String, type: NumberType, area: String = "") {
        self.country = country
        self.type = type
        self.area = area
    }

    /// True when the number was in E.164 form.
    public var isE164: Bool { !country.isEmpty }
}
