/// One call detail record after parsing and normalisation: what the store keeps in full for six months.
///
/// Numbers are E.164 (`+447911123456`) where they could be normalised, otherwise the switch's own
/// identifier (an extension such as `201`, a short code, a SIP user), and the empty string when unknown.
/// Times are UTC epoch seconds.
public struct CallRecord: Sendable, Hashable, Codable {
    /// The calling party (A number); empty when the switch did not record one.
    public var calling: String
    /// The dialled party (B number).
    public var dialled: String
    /// Diverting or redirecting parties (C numbers), in the order the call was diverted.
    public var diverting: [String]
    /// When the call was set up (UTC epoch seconds).
    public var start: Int64
    /// When the call was answered, if it was.
    public var answer: Int64?
    /// When the call ended.
    public var end: Int64
    /// Seconds from start to end.
    public var duration: Int64
    /// Billable (talk) seconds: from answer to end.
    public var billable: Int64
    /// How the call ended.
    public var disposition: Disposition
    /// The originating carrier or trunk.
    public var carrier: String
    /// The switch channel that carried the call.
    public var channel: String
    /// The account code the switch attached.
    public var account: String
    /// The switch's own record id (Asterisk uniqueid, CUCM globalCallID).
    public var sourceID: String
    /// The 1-based line (or record number) in the source file.
    public var sourceLine: Int
    /// The served subscriber's IMSI (mobile CDRs), or empty.
    public var imsi: String = ""
    /// The served handset's IMEI (mobile CDRs), or empty.
    public var imei: String = ""
    /// Where the served subscriber was: `MCCMNC-LAC-CI` (mobile CDRs), or empty.
    public var cell: String = ""
    /// The trunk or route the call left the switch on (the terminating carrier), or empty.
    public var egress: String = ""
    /// Which leg of the call this record describes (``CallLeg/call`` for a whole call).
    public var leg: CallLeg = .call
    /// For one part of a long call the switch cut into partial records, its 1-based sequence number;
    /// 0 for a record that describes its leg whole. Part 1 starts at the call's seizure; part n > 1
    /// covers its own stretch (from the previous part's release), so parts add up to the whole call.
    public var part: Int = 0

    /// Whether this record starts a call that aggregates and fraud detection count: a counted leg,
    /// and not the continuation (part 2 or later) of a long call.
    public var startsCall: Bool { leg.countsAsCall && part <= 1 }

    /// Creates a record; every field is explicit so a dialect states what it maps.
    public init(
        calling: String,
        dialled: String,
        diverting: [String] = [],
        start: Int64,
        answer: Int64?,
        end: Int64,
        duration: Int64,
        billable: Int64,
        disposition: Disposition,
        carrier: String = "",
        channel: String = "",
        account: String = "",
        sourceID: String = "",
        sourceLine: Int = 0
    ) {
        self.calling = calling
        self.dialled = dialled
        self.diverting = diverting
        self.start = start
        self.answer = answer
        self.end = end
        self.duration = duration
        self.billable = billable
        self.disposition = disposition
        self.carrier = carrier
        self.channel = channel
        self.account = account
        self.sourceID = sourceID
        self.sourceLine = sourceLine
    }

    /// The UTC day number (days since 1970-01-01) of the call's start: the store's partition bucket.
    public var day: Int64 { Self.dayOf(start) }

    /// The UTC day number of an epoch second.
    public static func dayOf(_ epoch: Int64) -> Int64 { epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400 }
}
