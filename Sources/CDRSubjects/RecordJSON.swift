import CDRModel
import CDRStorage

/// A stored record as JSON, the same for the CLI and the API: numbers as numbers, `answer` null when the
/// call was not answered.
public struct RecordJSON: Codable, Sendable, Equatable {
    public var id: Int64
    public var calling: String
    public var dialled: String
    public var diverting: [String]
    public var start: String
    public var answer: Nullable<String>
    public var end: String
    public var duration: Int64
    public var billsec: Int64
    public var disposition: String
    public var carrier: String
    public var channel: String
    public var account: String
    public var sourceID: String
    public var file: String
    public var line: Int
    public var imsi: String
    public var imei: String
    public var cell: String
    public var egress: String
    public var leg: String
    public var part: Int

    /// The JSON form of `stored`.
    public init(_ stored: StoredRecord) {
        let r = stored.record
        id = stored.id
        calling = r.calling
        dialled = r.dialled
        diverting = r.diverting
        start = CivilTime.iso8601(r.start)
        answer = Nullable(r.answer.map(CivilTime.iso8601))
        end = CivilTime.iso8601(r.end)
        duration = r.duration
        billsec = r.billable
        disposition = r.disposition.name
        carrier = r.carrier
        channel = r.channel
        account = r.account
        sourceID = r.sourceID
        file = stored.file
        line = r.sourceLine
        imsi = r.imsi
        imei = r.imei
        cell = r.cell
        egress = r.egress
        leg = r.leg.name
        part = r.part
    }

    enum CodingKeys: String, CodingKey {
        case id, calling, dialled, diverting, start, answer, end, duration, billsec, disposition, carrier, channel
        case account, file, line, imsi, imei, cell, egress, leg, part
        case sourceID = "source_id"
    }
}
