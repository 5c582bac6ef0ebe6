import CDRModel

#if canImport(Glibc)
import Glibc
#endif

/// The interned values of aggregate cells (carriers, generalised destinations) and the classification
/// of numbers by their leading bytes, shared by the roll-ups of many days so each distinct number prefix
/// is classified once.
public final class CellVocabulary {
    /// A generalised destination as stored: country, line type and area, any of them possibly folded.
    struct General: Hashable {
        var country: String
        var type: String
        var area: String
    }

    /// Where a party is, for the call direction: 0 on-net, 1 home country, 2 abroad.
    typealias Site = UInt8

    /// A number's classification depends only on its first 8 bytes and on its length up to 8.
    private struct Prefix: Hashable {
        var head: UInt64
        var length: UInt8
    }

    private let classifier: NumberClassifier
    private var carriers = Interner<String>()
    private var recentCarriers: [(bytes: [UInt8], id: Int32)] = []
    private var generals = Interner<General>()
    private var placeKeys: [Prefix?] = Array(repeating: nil, count: 256)
    private var placeValues: [(general: Int32, site: Site)] = Array(repeating: (0, 0), count: 256)
    private var placeCount = 0
    private let directions: [UInt8]

    /// Creates an empty vocabulary for a home country.
    public init(classifier: NumberClassifier) {
        self.classifier = classifier
        let representatives = [
            Destination(country: "", type: .internal),
            Destination(country: classifier.homeRegion, type: .other),
            Destination(country: "ZZ", type: .international),
        ]
        var table: [UInt8] = []
        for calling in representatives {
            for dialled in representatives {
                let direction = CallDirection(calling: calling, dialled: dialled, home: classifier.homeRegion)
                table.append(UInt8(CallDirection.allCases.firstIndex(of: direction)!))
            }
        }
        directions = table
    }

    /// The interned destination and the site of a number.
    @inline(__always)
    func place(_ bytes: UnsafeRawBufferPointer) -> (general: Int32, site: Site) {
        var head: UInt64 = 0
        let count = min(bytes.count, 8)
        for index in 0..<count { head |= UInt64(bytes[index]) << (8 * UInt64(index)) }
        let prefix = Prefix(head: head, length: UInt8(min(bytes.count, 9)))
        let mask = placeKeys.count - 1
        var index = Self.slot(prefix, mask: mask)
        while let key = placeKeys[index] {
            if key == prefix { return placeValues[index] }
            index = (index + 1) & mask
        }
        let destination = classifier.classify(bytes)
        let site: Site = !destination.isE164 ? 0 : destination.country == classifier.homeRegion ? 1 : 2
        let value = (
            generalID(General(country: destination.country, type: destination.type.rawValue, area: destination.area)),
            site
        )
        remember(prefix, value)
        return value
    }

    @inline(__always)
    private static func slot(_ prefix: Prefix, mask: Int) -> Int {
        Int(truncatingIfNeeded: ((prefix.head ^ UInt64(prefix.length)) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    private func remember(_ prefix: Prefix, _ value: (general: Int32, site: Site)) {
        if (placeCount + 1) * 2 > placeKeys.count {
            let keys = placeKeys
            let values = placeValues
            placeKeys = Array(repeating: nil, count: keys.count * 2)
            placeValues = Array(repeating: (0, 0), count: keys.count * 2)
            placeCount = 0
            for (key, value) in zip(keys, values) { if let key { remember(key, value) } }
        }
        let mask = placeKeys.count - 1
        var index = Self.slot(prefix, mask: mask)
        while placeKeys[index] != nil { index = (index + 1) & mask }
        placeKeys[index] = prefix
        placeValues[index] = value
        placeCount += 1
    }

    /// The direction code (index into `CallDirection.allCases`) of a call between two sites.
    @inline(__always)
    func direction(calling: Site, dialled: Site) -> UInt8 { directions[Int(calling) * 3 + Int(dialled)] }

    /// The id of a carrier given as bytes.
    @inline(__always)
    func carrierID(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        for recent in recentCarriers where recent.bytes.count == bytes.count {
            let same = recent.bytes.withUnsafeBytes { stored in
                bytes.isEmpty || memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0
            }
            if same { return recent.id }
        }
        let id = carrierID(String(decoding: bytes, as: UTF8.self))
        if recentCarriers.count < 16 { recentCarriers.append((Array(bytes), id)) }
        return id
    }

    /// The id of a carrier name, as aggregates may show it (``publishable(carrier:)``).
    func carrierID(_ name: String) -> Int32 { carriers.id(Self.publishable(carrier: name)) }

    /// A carrier or trunk name with every run of six or more digits written `#`: a trunk named by a
    /// telephone number (`SIP/441632960999`) must not put that number in an anonymous aggregate.
    static func publishable(carrier name: String) -> String {
        var out = ""
        var digits = ""
        func flush() {
            out += digits.count >= 6 ? "#" : digits
            digits = ""
        }
        for character in name {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out
    }

    /// The carrier name of an id.
    func carrier(_ id: Int32) -> String { carriers.values[Int(id)] }

    /// The id of a generalised destination.
    func generalID(_ general: General) -> Int32 { generals.id(general) }

    /// The generalised destination of an id.
    func general(_ id: Int32) -> General { generals.values[Int(id)] }
}

/// Numbers values in the order first seen, so cells can hold small integers instead of strings.
struct Interner<Value: Hashable> {
    private(set) var values: [Value] = []
    private var ids: [Value: Int32] = [:]

    /// The id of a value, assigned on first sight.
    mutating func id(_ value: Value) -> Int32 {
        if let id = ids[value] { return id }
        let id = Int32(values.count)
        values.append(value)
        ids[value] = id
        return id
    }
}
