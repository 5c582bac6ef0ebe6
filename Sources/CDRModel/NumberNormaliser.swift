/// What kind of party identifier a normalised number is.
public enum NumberKind: Sendable, Equatable {
    /// An international number in E.164 form (`+` and up to 15 digits).
    case e164
    /// An extension, short code or feature code (`201`, `999`, `*97`), kept as the switch wrote it.
    case short
    /// A non-numeric identifier such as a SIP user or the Asterisk `s` extension, kept as-is.
    case identifier
    /// A dial string that does not fit the number plan (a PBX access prefix, a prefix-hunting probe),
    /// kept as written: the call attempt is evidence and must not be lost.
    case unnormalised
    /// No number was recorded.
    case absent
}

/// Why a party number could not be normalised; the record is rejected with this reason.
public enum NumberProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case tooShort(digits: Int)
    case tooLong(digits: Int)
    case unknownCountryCode
    case badCharacter
    /// The field's bytes are not valid UTF-8 (a corrupt file): keeping them would store a number no lookup,
    /// export or erasure could find.
    case invalidText

    /// A sentence for the rejects file that never repeats the full number.
    public var description: String {
        switch self {
        case .tooShort(let n): "international number has \(n) digits, fewer than 7"
        case .tooLong(let n): "number has \(n) digits, more than the 15 E.164 allows"
        case .unknownCountryCode: "no country uses this country code"
        case .badCharacter: "number mixes digits with characters other than + * #"
        case .invalidText: "the field is not valid UTF-8 text"
        }
    }
}

/// Rewrites party numbers as written by a switch into E.164 under a ``NumberPlan``; works on bytes.
///
/// Only a number written in E.164 form (`+…`) can be invalid: a malformed one is a data fault and
/// throws. A dial string without `+` that does not fit the plan is returned as written, marked
/// ``NumberKind/unnormalised``.
public struct NumberNormaliser: Sendable {
    /// The plan numbers are read under.
    public let plan: NumberPlan
    private let countryCode: [UInt8]
    private let nationalPrefix: [UInt8]
    private let internationalPrefixes: [[UInt8]]
    private let accessPrefixes: [[UInt8]]

    /// Creates a normaliser for a plan.
    public init(plan: NumberPlan) {
        self.plan = plan
        countryCode = Array(plan.countryCode.utf8)
        nationalPrefix = Array(plan.nationalPrefix.utf8)
        internationalPrefixes = plan.internationalPrefixes.map { Array($0.utf8) }
        accessPrefixes = plan.accessPrefixes.map { Array($0.utf8) }
    }

    /// Normalises a number given as a string (convenience for tests and the CLI).
    public func normalise(_ text: String) throws(NumberProblem) -> (number: String, kind: NumberKind) {
        let copy = Array(text.utf8)
        let result = copy.withUnsafeBytes { buffer in Result { () throws(NumberProblem) in try normalise(buffer) } }
        return try result.get()
    }

    /// Normalises the raw bytes of a number field without heap allocation for numbers (E.164 results
    /// fit Swift's inline small strings).
    public func normalise(_ raw: UnsafeRawBufferPointer) throws(NumberProblem) -> (number: String, kind: NumberKind) {
        let input = Self.trim(Self.stripScheme(raw))
        if input.isEmpty { return ("", .absent) }
        var dialBuffer = DialBuffer()
        var count = 0
        var numeric = true
        var special = false
        for index in input.indices {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "*"), UInt8(ascii: "#"): special = true
            case UInt8(ascii: "+") where index == input.startIndex: break
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"): continue
            default: numeric = false
            }
            if !numeric { break }
            guard count < DialBuffer.capacity else { throw .tooLong(digits: count) }
            dialBuffer[count] = byte
            count += 1
        }
        if !numeric || count == 0 {
            if input.first == UInt8(ascii: "+") { throw .badCharacter }
            if input.contains(where: { $0 >= 0x80 }),
                String(validating: UnsafeRawBufferPointer(rebasing: input), as: UTF8.self) == nil
            {
                throw .invalidText
            }
            return (String(decoding: input, as: UTF8.self), .identifier)
        }
        return try dialBuffer.withDigits(count) { dial throws(NumberProblem) in
            if dial[0] == UInt8(ascii: "+") {
                return try international(UnsafeBufferPointer(rebasing: dial[1...]), prefix: [])
            }
            if special { return (String(decoding: dial, as: UTF8.self), .short) }
            if dial.count <= plan.maxShortCodeLength { return (String(decoding: dial, as: UTF8.self), .short) }
            do {
                var digits = dial[...]
                for prefix in accessPrefixes where digits.count - prefix.count >= 7 && digits.starts(with: prefix) {
                    digits = digits.dropFirst(prefix.count)
                    break
                }
                for prefix in internationalPrefixes where digits.count > prefix.count && digits.starts(with: prefix) {
                    return try international(UnsafeBufferPointer(rebasing: digits.dropFirst(prefix.count)), prefix: [])
                }
                var national = digits
                if !nationalPrefix.isEmpty, digits.count - nationalPrefix.count >= 6,
                    digits.starts(with: nationalPrefix)
                {
                    national = digits.dropFirst(nationalPrefix.count)
                }
                if let lengths = plan.nationalNumberLengths, !lengths.contains(national.count) {
                    throw NumberProblem.tooLong(digits: national.count)
                }
                return try international(UnsafeBufferPointer(rebasing: national), prefix: countryCode)
            } catch {
                return (String(decoding: dial, as: UTF8.self), .unnormalised)
            }
        }
    }

    /// Checks and formats `+` `prefix` `digits`.
    private func international(
        _ digits: UnsafeBufferPointer<UInt8>,
        prefix: [UInt8]
    ) throws(NumberProblem) -> (String, NumberKind) {
        let total = prefix.count + digits.count
        for byte in digits where byte &- UInt8(ascii: "0") >= 10 { throw .badCharacter }
        if total > 15 { throw .tooLong(digits: total) }
        if total < 7 { throw .tooShort(digits: total) }
        let text = String(unsafeUninitializedCapacity: total + 1) { out in
            out[0] = UInt8(ascii: "+")
            for (i, byte) in prefix.enumerated() { out[1 + i] = byte }
            for (i, byte) in digits.enumerated() { out[1 + prefix.count + i] = byte }
            return total + 1
        }
        let known =
            text.utf8.withContiguousStorageIfAvailable { utf8 in
                CountryCodes.resolve(UnsafeBufferPointer(rebasing: utf8[1...])) != nil
            } ?? (CountryCodes.resolve(Array(text.utf8.dropFirst())) != nil)
        guard known else { throw .unknownCountryCode }
        return (text, .e164)
    }

    /// Drops `tel:`/`sip:` schemes, a SIP host and parameters, and the angle brackets of a name-addr
    /// (`<sip:+441234567890@host>;reason=unconditional`), keeping the user part.
    private static func stripScheme(_ raw: UnsafeRawBufferPointer) -> Slice<UnsafeRawBufferPointer> {
        var bytes = raw[...]
        if bytes.first == UInt8(ascii: "<"), let close = bytes.firstIndex(of: UInt8(ascii: ">")) {
            bytes = bytes[(bytes.startIndex + 1)..<close]
        }
        if let parameters = bytes.firstIndex(of: UInt8(ascii: ";")) { bytes = bytes[..<parameters] }
        guard let first = bytes.first, first | 0x20 == UInt8(ascii: "t") || first | 0x20 == UInt8(ascii: "s") else {
            return bytes
        }
        for scheme in ["tel:", "sip:", "sips:"] {
            let prefix = Array(scheme.utf8)
            if bytes.count > prefix.count, zip(bytes.prefix(prefix.count), prefix).allSatisfy({ $0 | 0x20 == $1 }) {
                bytes = bytes.dropFirst(prefix.count)
                if let at = bytes.firstIndex(of: UInt8(ascii: "@")) { bytes = bytes[..<at] }
                break
            }
        }
        return bytes
    }

    private static func trim(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
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
        let codeLength = CountryCodes.length(of: code)
        let hidden = max(0, digits.count - codeLength - 3)
        return "+" + String(decoding: digits.prefix(codeLength), as: UTF8.self)
            + String(repeating: "*", count: hidden) + String(decoding: digits.suffix(3), as: UTF8.self)
    }
}

/// A fixed 32-byte stack buffer for the dial characters of one number.
private struct DialBuffer {
    static let capacity = 32
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    subscript(index: Int) -> UInt8 {
        get { withUnsafeBytes(of: storage) { $0[index] } }
        set { withUnsafeMutableBytes(of: &storage) { $0[index] = newValue } }
    }

    mutating func withDigits<T>(
        _ count: Int,
        _ body: (UnsafeBufferPointer<UInt8>) throws(NumberProblem) -> T
    ) throws(NumberProblem) -> T {
        let result = withUnsafeBytes(of: storage) { raw in
            Result { () throws(NumberProblem) in
                try body(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[..<count]))
            }
        }
        return try result.get()
    }
}
