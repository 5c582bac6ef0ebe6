import CDRModel
import Hummingbird

/// A request's query parameters, validated: an unknown name or a malformed value is a 400 that names it.
struct QueryParameters {
    /// Response formats for tabular endpoints.
    enum Format: String {
        case json, csv
    }

    private let values: [String: String]

    /// Reads the query, refusing names outside `allowed` and repeated names.
    init(_ request: Request, allowed: Set<String>) throws {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let name = String(name)
            guard allowed.contains(name) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw HTTPError(.badRequest, message: "unknown parameter \(name) (this endpoint takes: \(known))")
            }
            guard values[name] == nil else { throw HTTPError(.badRequest, message: "parameter \(name) given twice") }
            guard value.utf8.count <= 256 else {
                throw HTTPError(.badRequest, message: "parameter \(name) is too long")
            }
            values[name] = String(value)
        }
        self.values = values
    }

    /// The raw value, if given.
    subscript(_ name: String) -> String? { values[name] }

    /// A required value.
    /// The value of an optional text parameter.
    func string(_ name: String) -> String? { values[name] }

    func required(_ name: String, _ meaning: String) throws -> String {
        guard let value = values[name], !value.isEmpty else {
            throw HTTPError(.badRequest, message: "\(name) is required (\(meaning))")
        }
        return value
    }

    /// A calendar day `YYYY-MM-DD`.
    func day(_ name: String) throws -> UTCDay {
        let text = try required(name, "YYYY-MM-DD")
        guard text.utf8.count == 10, let epoch = CivilTime.parseISO(text) else {
            throw HTTPError(.badRequest, message: "\(name) \"\(text)\" is not a date (YYYY-MM-DD)")
        }
        return EpochSeconds(epoch).day
    }

    /// An optional date or date-time (ISO 8601, UTC unless an offset is given) as epoch seconds; a bare
    /// date as the upper end of a range means the whole day.
    func time(_ name: String, endOfDay: Bool = false) throws -> Int64? {
        guard let text = values[name] else { return nil }
        guard let epoch = CivilTime.parseISO(text) else {
            throw HTTPError(
                .badRequest,
                message: "\(name) \"\(text)\" is not a date or date-time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"
            )
        }
        return endOfDay && text.utf8.count == 10 ? epoch + 86_399 : epoch
    }

    /// An optional integer within `range`, `fallback` when absent.
    func int(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw HTTPError(
                .badRequest,
                message: "\(name) \"\(text)\" must be a whole number from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return value
    }

    /// An optional boolean (`true`/`false`/`1`/`0`).
    func flag(_ name: String) throws -> Bool {
        switch values[name] {
        case nil, "false", "0": return false
        case "true", "1": return true
        case let text?: throw HTTPError(.badRequest, message: "\(name) \"\(text)\" must be true or false")
        }
    }

    /// The response format (`json` by default).
    func format() throws -> Format {
        guard let text = values["format"] else { return .json }
        guard let format = Format(rawValue: text) else {
            throw HTTPError(.badRequest, message: "format \"\(text)\" must be json or csv")
        }
        return format
    }

    /// A phone number; a `+` sent unencoded arrives as a space and is put back.
    func number(_ name: String) throws -> String {
        let text = try required(name, "a number, E.164 as %2B447700900123 or national")
        let number = text.first == " " ? "+" + text.dropFirst() : text
        guard Self.isNumber(number) else {
            throw HTTPError(
                .badRequest,
                message: "\(name) is not a number: an optional + and 3 to 15 ASCII digits (E.164 as %2B447700900123)"
            )
        }
        return number
    }

    /// True for what the API accepts as a phone number: an optional `+` and 3–15 ASCII digits, nothing else
    /// (no spaces, punctuation, other scripts' digits or percent-encoding left over).
    static func isNumber(_ text: String) -> Bool {
        let digits = text.utf8.first == UInt8(ascii: "+") ? text.utf8.dropFirst() : text.utf8[...]
        return (3...15).contains(digits.count) && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// `from...to` as an epoch range, checked for order.
    func timeRange() throws -> (from: Int64?, to: Int64?) {
        let from = try time("from")
        let to = try time("to", endOfDay: true)
        if let from, let to, from > to { throw HTTPError(.badRequest, message: "from is after to") }
        return (from, to)
    }
}
