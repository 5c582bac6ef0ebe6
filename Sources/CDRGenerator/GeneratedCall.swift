import CDRModel

/// One synthetic call: the record as a switch would describe it, with numbers as dialled (national
/// or international format, not yet E.164) and the channel names a PBX would write.
public struct GeneratedCall: Sendable {
    public var source: String
    public var destination: String
    public var diverting: String?
    public var start: Int64
    public var answer: Int64?
    public var end: Int64
    public var disposition: Disposition
    public var channel: String
    public var destinationChannel: String
    public var account: String
    public var uniqueID: String
}
