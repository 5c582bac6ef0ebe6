import Foundation

/// One record of a pushed JSON array, checked key by key and written as a ``PushDocument/template`` line.
struct JSONRecord {
    private let record: [String: Any]
    private let index: Int
    static let keys: Set<String> = [
        "calling", "dialled", "start", "answer", "end", "duration", "billable", "disposition", "cause", "id", "account",
        "carrier", "diverting",
    ]
    /// The FreeSWITCH hangup cause standing for each disposition a record may give.
    static let causes = [
        "answered": "NORMAL_CLEARING", "no-answer": "NO_ANSWER", "busy": "USER_BUSY", "failed": "CALL_REJECTED",
        "congestion": "NORMAL_CIRCUIT_CONGESTION", "cancelled": "ORIGINATOR_CANCEL",
    ]

    init(_ record: [String: Any], index: Int) {
        self.record = record
        self.index = index
    }

    private func bad(_ key: String, _ reason: String) -> PushError {
        PushError(field: "[\(index)].\(key)", reason: reason)
    }

    private func text(_ key: String) throws(PushError) -> String? {
        guard let value = record[key], !(value is NSNull) else { return nil }
        guard let text = PushDocument.scalar(value) else { throw bad(key, "expected a string or a number") }
        return text
    }

    private func whole(_ key: String) throws(PushError) -> String? {
        guard let text = try text(key) else { return nil }
        guard Int64(text) != nil else { throw bad(key, "\(text.prefix(40)) is not a whole number") }
        return text
    }

    /// Epoch seconds, from a number or an ISO 8601 time with its zone.
    private func time(_ key: String) throws(PushError) -> String? {
        guard let text = try text(key) else { return nil }
        if Int64(text) != nil { return text }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return String(Int64(date.timeIntervalSince1970)) }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return String(Int64(date.timeIntervalSince1970)) }
        throw bad(key, "\(text.prefix(40)) is neither epoch seconds nor an ISO 8601 time with a zone")
    }

    func line() throws(PushError) -> [UInt8] {
        if let unknown = record.keys.sorted().first(where: { !Self.keys.contains($0) }) {
            throw bad(unknown, "unknown key; a record takes " + Self.keys.sorted().joined(separator: ", "))
        }
        guard let dialled = try text("dialled"), !dialled.isEmpty else { throw bad("dialled", "missing") }
        guard let start = try time("start") else { throw bad("start", "missing") }
        var cause = try text("cause") ?? ""
        if let disposition = try text("disposition") {
            guard let mapped = Self.causes[disposition] else {
                throw bad(
                    "disposition",
                    "\(disposition) is not one of " + Self.causes.keys.sorted().joined(separator: ", ")
                )
            }
            cause = mapped
        }
        let fields = [
            try text("calling") ?? "", dialled, start, try time("answer") ?? "0", try time("end") ?? "",
            try whole("duration") ?? "", try whole("billable") ?? "0", cause, try text("id") ?? "",
            try text("account") ?? "", try text("carrier") ?? "", try text("diverting") ?? "",
        ]
        let names =
            ["calling", "dialled", "start", "answer", "end", "duration", "billable", "cause", "id"]
            + ["account", "carrier", "diverting"]
        do {
            return try PushDocument.line(fields, names: names)
        } catch {
            throw bad(error.field, error.reason)
        }
    }
}
