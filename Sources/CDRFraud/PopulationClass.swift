import CDRModel

/// The class of numbers a young number is compared with when it has no usual of its own: the country code
/// and the first national digit (`+447`, UK mobiles; `+442`, London and other geographic numbers), which
/// in most numbering plans tells mobile from fixed and premium from freephone; `acct:` for accounts.
enum PopulationClass {
    /// The class of a calling number or `acct:` subject, or nil when it has none (not E.164).
    static func of(_ subject: String) -> String? {
        if subject.hasPrefix("acct:") { return "acct:" }
        let digits = Array(subject.utf8.dropFirst())
        guard subject.utf8.first == UInt8(ascii: "+"), let code = CountryCodes.resolve(digits)?.code else {
            return nil
        }
        let length = CountryCodes.length(of: code) + 1
        guard digits.count > length else { return nil }
        return "+" + String(decoding: digits.prefix(length), as: UTF8.self)
    }
}
