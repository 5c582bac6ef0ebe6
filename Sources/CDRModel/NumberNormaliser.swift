/// What kind of party identifier a normalised number is.
public enum NumberKind: Sendable, Equatable {
    /// An international number in E.164 form (`+` and up to 15 digits).
    case e164
    /// An extension, short code or feature code (`201`, `999`, `*97`), kept as the switch wrote it.
    case short
    /// A non-numeric identifier such as a SIP user or the Asterisk `s` extension, kept as-is.
    case identifier
    /// No number was recorded.
    case absent
}

/// Why a party number could not be normalised; the record is rejected with this reason.
public enum NumberProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case tooShort(digits: Int)
    case tooLong(digits: Int)
    case unknownCountryCode
    case badCharacter

    /// A sentence for the rejects file that never repeats the full number.
    public var description: String {
        switch self {
        case .tooShort(let n): "international number has \(n) digits, fewer than 7"
        case .tooLong(let n): "number has \(n) digits, more than the 15 E.164 allows"
        case .unknownCountryCode: "no country uses this country code"
        case .badCharacter: "number mixes digits with characters other than + * #"
        }
    }
}

/// Rewrites party numbers as written by a switch into E.164 under a ``NumberPlan``; works on bytes.
public struct NumberNormaliser: Sendable {
    /// The plan numbers are read under.
    public let plan: NumberPlan
    private let countryCode: [UInt8]
    private let nationalPrefix: [UInt8]
    private let internationalPrefixes: [[UInt8]]

    /// Creates a normaliser for a plan.
    public init(plan: NumberPlan) {
        self.plan = plan
        countryCode = Array(plan.countryCode.utf8)
        nationalPrefix = Array(plan.nationalPrefix.utf8)
        internationalPrefixes = plan.internationalPrefixes.map { Array($0.utf8) }
    }

    /// Normalises a number given as a string (convenience for tests and the CLI).
    public func normalise(_ text: String) throws(NumberProblem) -> (number: String, kind: NumberKind) {
        let copy = Array(text.utf8)
        let result = copy.withUnsafeBytes { buffer in Result { () throws(NumberProblem) in try normalise(buffer) } }
        return try result.get()
    }

    /// Normalises the raw bytes of a number field.
    public func normalise(_ raw: UnsafeRawBufferPointer) throws(NumberProblem) -> (number: String, kind: NumberKind) {
        let input = Self.trim(Self.stripScheme(raw))
        if input.isEmpty { return ("", .absent) }
        var dial = [UInt8]()
        dial.reserveCapacity(input.count)
        var numeric = true
        for (index, byte) in input.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "#"): dial.append(byte)
            case UInt8(ascii: "+") where index == 0: dial.append(byte)
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                continue
            default: numeric = false
            }
            if !numeric { break }
        }
        if !numeric || dial.isEmpty {
            if input.first == UInt8(ascii: "+") { throw .badCharacter }
            return (String(decoding: input, as: UTF8.self), .identifier)
        }
        if dial[0] == UInt8(ascii: "+") { return try international(dial.dropFirst()) }
        if dial.contains(UInt8(ascii: "*")) || dial.contains(UInt8(ascii: "#")) {
            return (String(decoding: dial, as: UTF8.self), .short)
        }
        for prefix in internationalPrefixes where dial.starts(with: prefix) && dial.count > prefix.count {
            return try international(dial.dropFirst(prefix.count))
        }
        if !nationalPrefix.isEmpty, dial.starts(with: nationalPrefix), dial.count - nationalPrefix.count >= 6 {
            return try international(countryCode + dial.dropFirst(nationalPrefix.count))
        }
        if dial.count <= plan.maxShortCodeLength { return (String(decoding: dial, as: UTF8.self), .short) }
        return try international(countryCode + dial)
    }

    private func international(_ digits: some Collection<UInt8>) throws(NumberProblem) -> (String, NumberKind) {
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { throw .badCharacter }
        if digits.count > 15 { throw .tooLong(digits: digits.count) }
        if digits.count < 7 { throw .tooShort(digits: digits.count) }
        guard CountryCodes.resolve(digits) != nil else { throw .unknownCountryCode }
        var text = "+"
        text.unicodeScalars.append(contentsOf: digits.map { Unicode.Scalar($0) })
        return (text, .e164)
    }

    /// Drops `tel:`/`sip:` schemes and a SIP host, keeping the user part.
    private static func stripScheme(_ raw: UnsafeRawBufferPointer) -> ArraySlice<UInt8> {
        var bytes = ArraySlice(raw)
        for scheme in ["tel:", "sip:", "sips:"] {
            let prefix = Array(scheme.utf8)
            if bytes.count > prefix.count,
                zip(bytes.prefix(prefix.count), prefix).allSatisfy({ $0 | 0x20 == $1 })
            {
                bytes = bytes.dropFirst(prefix.count)
                if let at = bytes.firstIndex(of: UInt8(ascii: "@")) { bytes = bytes[..<at] }
                break
            }
        }
        return bytes
    }

    private static func trim(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }

    /// Masks a number for logs and error messages: country code and last three digits only.
    public static func mask(_ number: String) -> String {
        guard number.hasPrefix("+"), number.count > 6 else {
            return number.count <= 3 ? number : String(repeating: "*", count: number.count - 3) + number.suffix(3)
        }
        let digits = Array(number.utf8.dropFirst())
        let code = CountryCodes.resolve(digits)?.code ?? 0
        let codeLength = String(code).count
        let hidden = max(0, digits.count - codeLength - 3)
        return "+" + String(decoding: digits.prefix(codeLength), as: UTF8.self)
            + String(repeating: "*", count: hidden) + String(decoding: digits.suffix(3), as: UTF8.self)
    }
}
