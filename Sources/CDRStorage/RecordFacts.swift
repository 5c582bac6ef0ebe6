import CDRModel

/// The fields of one stored record that statistics need, its text borrowed from SQLite: valid only inside
/// the callback that receives it.
public struct RecordFacts {
    /// The record's row id.
    public var id: Int64
    /// Calling number bytes.
    public var calling: UnsafeRawBufferPointer
    /// Dialled number bytes.
    public var dialled: UnsafeRawBufferPointer
    /// Originating carrier bytes.
    public var carrier: UnsafeRawBufferPointer
    /// Call start, UTC epoch seconds.
    public var start: Int64
    /// Whether the call was answered.
    public var answered: Bool
    /// Seconds from start to end.
    public var duration: Int64
    /// Billable seconds.
    public var billable: Int64
    /// How the call ended.
    public var disposition: Disposition
    /// Which leg of the call the record describes.
    public var leg: CallLeg = .call
    /// The partial-record sequence number (0 for a whole record).
    public var part: Int = 0

    /// Creates facts from their fields.
    public init(
        id: Int64,
        calling: UnsafeRawBufferPointer,
        dialled: UnsafeRawBufferPointer,
        carrier: UnsafeRawBufferPointer,
        start: Int64,
        answered: Bool,
        duration: Int64,
        billable: Int64,
        disposition: Disposition
    ) {
        self.id = id
        self.calling = calling
        self.dialled = dialled
        self.carrier = carrier
        self.start = start
        self.answered = answered
        self.duration = duration
        self.billable = billable
        self.disposition = disposition
    }
}
