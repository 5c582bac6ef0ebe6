import CDRModel

/// Writes generated calls in a file format cdrpipe reads.
public struct CallFileWriter {
    /// The formats the generator writes.
    public enum Format: String, Sendable, CaseIterable {
        /// Asterisk `cdr_csv` with `usegmtime`, `loguniqueid` and `loguserfield` (18 columns, UTC).
        case asterisk
        /// The operator CSV described by `fixtures/operator-mapping.json` (header, UTC, diversions).
        case mapped
        /// FreeSWITCH `mod_cdr_csv` with the vanilla `example` template (UTC).
        case freeswitch
        /// Cisco CUCM CDR flat file: header, type line, a subset of the columns (bound by name).
        case cucm
        /// 3GPP TS 32.298 CS records in BER, concatenated (see ``BERWriter``).
        case ber = "3gpp-ber"
    }

    /// The format written.
    public let format: Format

    /// Creates a writer.
    public init(format: Format) { self.format = format }

    /// The header line(s), if the format has them.
    public var header: String? {
        switch format {
        case .mapped:
            "call_id,caller,called,diverted_from,start_time,answer_time,end_time,duration,billsec,status,trunk_in\n"
        case .cucm:
            Self.cucmColumns.map { "\"\($0.0)\"" }.joined(separator: ",") + "\n"
                + Self.cucmColumns.map(\.1).joined(separator: ",") + "\n"
        default: nil
        }
    }

    private static let cucmColumns: [(String, String)] = [
        ("cdrRecordType", "INTEGER"), ("globalCallID_callManagerId", "INTEGER"), ("globalCallID_callId", "INTEGER"),
        ("dateTimeOrigination", "INTEGER"), ("origIpAddr", "INTEGER"), ("callingPartyNumber", "VARCHAR(50)"),
        ("origCause_value", "INTEGER"), ("destCause_value", "INTEGER"), ("originalCalledPartyNumber", "VARCHAR(50)"),
        ("finalCalledPartyNumber", "VARCHAR(50)"), ("lastRedirectDn", "VARCHAR(50)"), ("dateTimeConnect", "INTEGER"),
        ("dateTimeDisconnect", "INTEGER"), ("duration", "INTEGER"), ("origDeviceName", "VARCHAR(129)"),
        ("destDeviceName", "VARCHAR(129)"),
    ]

    private static let hangupCause: [Disposition: (String, Int)] = [
        .answered: ("NORMAL_CLEARING", 16), .noAnswer: ("NO_ANSWER", 19), .busy: ("USER_BUSY", 17),
        .failed: ("CALL_REJECTED", 21), .congestion: ("NORMAL_CIRCUIT_CONGESTION", 34),
        .cancelled: ("ORIGINATOR_CANCEL", 16), .unknown: ("NORMAL_UNSPECIFIED", 31),
    ]

    /// A UUID-shaped id derived from the call's id (FreeSWITCH writes UUIDs).
    private static func uuid(_ id: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var hex = ""
        for round in 0..<2 {
            for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            hash = (hash ^ UInt64(round)) &* 0x100_0000_01B3
            let digits = String(hash, radix: 16)
            hex += String(repeating: "0", count: 16 - digits.count) + digits
        }
        let c = Array(hex)
        return
            "\(String(c[0..<8]))-\(String(c[8..<12]))-4\(String(c[13..<16]))-8\(String(c[17..<20]))-\(String(c[20..<32]))"
    }

    private static func time(_ epoch: Int64?) -> String {
        guard let epoch else { return "" }
        let iso = CivilTime.iso8601(epoch)
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
    }

    private static func asteriskName(_ d: Disposition) -> String {
        switch d {
        case .answered: "ANSWERED"
        case .noAnswer: "NO ANSWER"
        case .busy: "BUSY"
        case .congestion: "CONGESTION"
        default: "FAILED"
        }
    }

    private static let mappedStatus: [Disposition: String] = [
        .answered: "ANS", .noAnswer: "NOA", .busy: "BSY", .failed: "FAI", .congestion: "CON", .cancelled: "CAN",
        .unknown: "UNK",
    ]

    /// The record id the store keeps for this call once loaded (its `source_id`): the uniqueid as written,
    /// or, in BER, the call reference (the record number, as hex).
    public func storedID(_ c: GeneratedCall, number: Int) -> String {
        switch format {
        case .asterisk, .mapped: c.uniqueID
        case .freeswitch: Self.uuid(c.uniqueID)
        case .cucm: "1-" + String(c.uniqueID.split(separator: ".").last ?? "0")
        case .ber:
            {
                let digits = String(UInt32(truncatingIfNeeded: number), radix: 16)
                return String(repeating: "0", count: 8 - digits.count) + digits
            }()
        }
    }

    /// The bytes of one call in this format (a line with its terminator, or a BER record).
    public func encode(_ c: GeneratedCall, number: Int) -> [UInt8] {
        format == .ber ? BERWriter.record(c, number: number) : Array(line(c).utf8)
    }

    /// One line of a text format, with its line terminator.
    func line(_ c: GeneratedCall) -> String {
        let duration = c.end - c.start
        let billable = c.answer.map { c.end - $0 } ?? 0
        let trunk = GeneratedCall.trunk(of: c.channel)
        let (cause, code) = Self.hangupCause[c.disposition]!
        switch format {
        case .freeswitch:
            let fields = [
                "Subscriber", c.source, c.destination, "public", Self.time(c.start), Self.time(c.answer),
                Self.time(c.end),
                String(duration), String(billable), cause, Self.uuid(c.uniqueID), "", c.account, "PCMA", "PCMA",
            ]
            return fields.map { "\"\($0)\"" }.joined(separator: ",") + "\n"
        case .cucm:
            let address = Int32(bitPattern: 0x0100_A8C0 &+ UInt32(trunk.utf8.reduce(0) { $0 &+ Int($1) } % 200) << 24)
            let original = c.diverting ?? c.destination
            let fields: [String] = [
                "1", "1", String(c.uniqueID.split(separator: ".").last ?? "0"), String(c.start), String(address),
                "\"\(c.source)\"", "0", c.disposition == .answered ? "16" : String(code), "\"\(original)\"",
                "\"\(c.destination)\"", "\"\(c.diverting ?? "")\"", String(c.answer ?? 0), String(c.end),
                String(billable), "\"\(trunk)\"", "\"core\"",
            ]
            return fields.joined(separator: ",") + "\n"
        case .asterisk:
            let answer = c.answer.map { "\"\(Self.time($0))\"" } ?? ""
            return
                "\"\(c.account)\",\"\(c.source)\",\"\(c.destination)\",\"from-trunk\",\"\"\"Subscriber\"\" <\(c.source)>\","
                + "\"\(c.channel)\",\"\(c.destinationChannel)\",\"Dial\",\"SIP/\(c.destination),60\","
                + "\"\(Self.time(c.start))\",\(answer),\"\(Self.time(c.end))\",\(duration),\(billable),"
                + "\"\(Self.asteriskName(c.disposition))\",\"DOCUMENTATION\",\"\(c.uniqueID)\",\"\"\n"
        case .ber:
            return ""
        case .mapped:
            return "\(c.uniqueID),\(c.source),\(c.destination),\(c.diverting ?? ""),\(Self.time(c.start)),"
                + "\(Self.time(c.answer)),\(Self.time(c.end)),\(duration),\(billable),\(Self.mappedStatus[c.disposition]!),\(trunk)\n"
        }
    }
}
