/// A call's times as complete as a record can make them: formats write some of end, duration and
/// billable seconds and leave the others to be derived.
public struct CallTiming: Sendable, Equatable {
    /// When the call ended.
    public var end: Int64
    /// Seconds from start to end.
    public var duration: Int64
    /// Seconds from answer to end (0 when not answered).
    public var billable: Int64

    /// Derives the missing values: end from start + duration, duration from end − start, billable
    /// seconds from end − answer. With neither end nor duration the call is taken to end at its start.
    public init(start: Int64, answer: Int64?, end: Int64?, duration: Int64?, billable: Int64?) {
        let end = end ?? start + (duration ?? 0)
        self.end = end
        self.duration = duration ?? end - start
        self.billable = billable ?? answer.map { end - $0 } ?? 0
    }
}
