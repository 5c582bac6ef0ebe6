import CDRModel

/// Writes generated calls in a file format cdrpipe reads.
public struct CallFileWriter {
    /// The formats the generator writes.
    public enum Format: String, Sendable, CaseIterable {
        /// Asterisk `cdr_csv` with `usegmtime`, `loguniqueid` and `loguserfield` (18 columns, UTC).
        case asterisk
        /// The operator CSV described by `fixtures/operator-mapping.json` (header, UTC, diversions).
        case mapped
    }

    /// The format written.
    public let format: Format

    /// Creates a writer.
    public init(format: Format) { self.format = format }

    /// The header line, if the format has one.
    public var header: String? {
        format == .mapped
            ? "call_id,caller,called,diverted_from,start_time,answer_time,end_time,duration,billsec,status,trunk_in\n"
            : nil
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

    /// One line of the file, with its line terminator.
    public func line(_ c: GeneratedCall) -> String {
        let duration = c.end - c.start
        let billable = c.answer.map { c.end - $0 } ?? 0
        switch format {
        case .asterisk:
            let answer = c.answer.map { "\"\(Self.time($0))\"" } ?? ""
            return
                "\"\(c.account)\",\"\(c.source)\",\"\(c.destination)\",\"from-trunk\",\"\"\"Subscriber\"\" <\(c.source)>\","
                + "\"\(c.channel)\",\"\(c.destinationChannel)\",\"Dial\",\"SIP/\(c.destination),60\","
                + "\"\(Self.time(c.start))\",\(answer),\"\(Self.time(c.end))\",\(duration),\(billable),"
                + "\"\(Self.asteriskName(c.disposition))\",\"DOCUMENTATION\",\"\(c.uniqueID)\",\"\"\n"
        case .mapped:
            let trunk =
                c.channel.split(separator: "/").last.map {
                    String($0.split(separator: "-").dropLast().joined(separator: "-"))
                } ?? ""
            return "\(c.uniqueID),\(c.source),\(c.destination),\(c.diverting ?? ""),\(Self.time(c.start)),"
                + "\(Self.time(c.answer)),\(Self.time(c.end)),\(duration),\(billable),\(Self.mappedStatus[c.disposition]!),\(trunk)\n"
        }
    }
}
