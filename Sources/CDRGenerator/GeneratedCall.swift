import CDRModel

/// One synthetic call: the record as a switch would describe it, with numbers as dialled (national
/// or international format, not yet E.164) and the channel names a PBX would write.
public struct GeneratedCall: Sendable {
    /// The calling number as the switch wrote it (national format).
    public var source: String
    /// The dialled number as written (national, international or a short code).
    public var destination: String
    /// The number that diverted the call, when it was diverted.
    public var diverting: String?
    /// Call start (UTC epoch seconds).
    public var start: Int64
    /// Answer time, when answered.
    public var answer: Int64?
    /// Call end.
    public var end: Int64
    /// How the call ended.
    public var disposition: Disposition
    /// The originating channel (`SIP/carrier-a-0000002a`).
    public var channel: String
    /// The destination channel.
    public var destinationChannel: String
    /// The account code, often empty.
    public var account: String
    /// The switch's record id (`start.sequence`).
    public var uniqueID: String
    /// The SIM (mobile formats), when not derived from the calling number.
    public var imsi: String? = nil
    /// The handset, when not derived from the calling number.
    public var imei: String? = nil
    /// The cell id, when not derived from the record number.
    public var cellID: UInt16? = nil

    /// The trunk name inside a channel (`SIP/carrier-a-0000002a` → `carrier-a`).
    static func trunk(of channel: String) -> String {
        channel.split(separator: "/").last.map { $0.split(separator: "-").dropLast().joined(separator: "-") } ?? ""
    }
}
