/// Generalises a stored number to its ``Destination`` (country, line type, area), reading its bytes.
///
/// Line types come from built-in range tables for the UK (+44) and the NANP (+1); numbers of other
/// countries are typed ``NumberType/international`` when foreign and ``NumberType/other`` at home.
public struct NumberClassifier: Sendable {
    /// The home region (`GB`), from the home country code.
    public let homeRegion: String

    /// Creates a classifier for a home country calling code (`44`).
    public init(homeCountryCode: String) {
        homeRegion = CountryCodes.resolve(Array(homeCountryCode.utf8) + Array("2071234567".utf8))?.region ?? ""
    }

    /// The destination of a number held as a string.
    public func classify(_ number: String) -> Destination {
        var copy = number
        return copy.withUTF8 { classify(UnsafeRawBufferPointer($0)) }
    }

    /// The destination of a number given as its stored bytes.
    public func classify(_ bytes: UnsafeRawBufferPointer) -> Destination {
        guard let first = bytes.first else { return Destination(country: "", type: .withheld) }
        guard first == UInt8(ascii: "+"), bytes.count > 1 else {
            return Destination(country: "", type: bytes.count <= 6 ? .internal : .other)
        }
        let digits = UnsafeBufferPointer(rebasing: bytes.bindMemory(to: UInt8.self)[1...])
        guard let (code, region) = CountryCodes.resolve(digits) else { return Destination(country: "", type: .other) }
        let national = UnsafeBufferPointer(rebasing: digits[CountryCodes.length(of: code)...])
        switch code {
        case 44: return Self.ukDestination(national, region: region)
        case 1: return Self.nanpDestination(national, region: region)
        default: return Destination(country: region, type: region == homeRegion ? .other : .international)
        }
    }

    /// UK ranges (Ofcom National Telephone Numbering Plan): 01/02 geographic, 03 non-geographic, 07 mobile
    /// (070 personal and 076 pagers non-geographic, 07624 Isle of Man mobile), 080/0500 freephone,
    /// 084/087/055/056 non-geographic, 09 premium.
    private static func ukDestination(_ n: UnsafeBufferPointer<UInt8>, region: String) -> Destination {
        func at(_ i: Int) -> UInt8 { i < n.count ? n[i] &- 0x30 : 255 }
        switch at(0) {
        case 1, 2:
            let length: Int
            if at(0) == 2 {
                length = 2
            } else if at(1) == 1 || at(2) == 1 {
                length = 3
            } else {
                length = 4
            }
            return Destination(
                country: region,
                type: .geographic,
                area: String(decoding: n.prefix(length), as: UTF8.self)
            )
        case 3: return Destination(country: region, type: .nonGeographic)
        case 5:
            if at(1) == 0 && at(2) == 0 { return Destination(country: region, type: .freephone) }
            return Destination(country: region, type: .nonGeographic)
        case 7:
            if at(1) == 0 { return Destination(country: region, type: .nonGeographic) }
            if at(1) == 6 && !(at(2) == 2 && at(3) == 4) { return Destination(country: region, type: .nonGeographic) }
            return Destination(country: region, type: .mobile)
        case 8:
            return Destination(country: region, type: at(1) == 0 ? .freephone : .nonGeographic)
        case 9: return Destination(country: region, type: .premium)
        default: return Destination(country: region, type: .other)
        }
    }

    /// NANP ranges by area code (NPA): 8XX toll-free, 900 premium, 5XX personal communications, others
    /// geographic (NANP mobile numbers share geographic area codes).
    private static func nanpDestination(_ n: UnsafeBufferPointer<UInt8>, region: String) -> Destination {
        guard n.count >= 3 else { return Destination(country: region, type: .other) }
        let npa = Int(n[0] &- 0x30) * 100 + Int(n[1] &- 0x30) * 10 + Int(n[2] &- 0x30)
        switch npa {
        case 800, 833, 844, 855, 866, 877, 888: return Destination(country: region, type: .freephone)
        case 900: return Destination(country: region, type: .premium)
        case 500, 521, 522, 523, 524, 525, 526, 527, 528, 529, 533, 544, 566, 577, 588:
            return Destination(country: region, type: .nonGeographic)
        default:
            return Destination(country: region, type: .geographic, area: String(decoding: n.prefix(3), as: UTF8.self))
        }
    }
}
