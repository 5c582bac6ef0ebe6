/// Why a decoded record is not acceptable for storage.
public struct RecordProblem: Error, Sendable, Equatable {
    /// The record field at fault, e.g. `answer`.
    public var field: String
    /// What is wrong with it, for a person.
    public var reason: String

    /// Creates a problem naming a field and a reason.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}

extension CallRecord {
    /// The earliest call start the store accepts (1990-01-01T00:00:00Z): older times are clock faults.
    public static let earliestStart: Int64 = 631_152_000
    /// The longest call the store accepts: 7 days, longer is a switch fault.
    public static let longestCall: Int64 = 7 * 86_400

    /// Checks the invariants every stored record keeps; the first broken one is returned.
    public func validate() -> RecordProblem? {
        if dialled.isEmpty && (answer != nil || billable > 0) {
            return RecordProblem(field: "dialled", reason: "answered call without a dialled number")
        }
        if start < Self.earliestStart {
            return RecordProblem(field: "start", reason: "start \(start) is before 1990-01-01")
        }
        if end < start { return RecordProblem(field: "end", reason: "call ends before it starts") }
        if let answer {
            if answer < start { return RecordProblem(field: "answer", reason: "answered before it started") }
            if answer > end { return RecordProblem(field: "answer", reason: "answered after it ended") }
        }
        if duration < 0 { return RecordProblem(field: "duration", reason: "negative duration \(duration)") }
        if duration > Self.longestCall {
            return RecordProblem(field: "duration", reason: "duration \(duration)s is longer than 7 days")
        }
        if billable < 0 { return RecordProblem(field: "billsec", reason: "negative billable seconds \(billable)") }
        if billable > duration {
            return RecordProblem(field: "billsec", reason: "billable \(billable)s exceeds duration \(duration)s")
        }
        return nil
    }
}
