import CDRModel

/// What the header and trailer of an MSC's `CallEventDataFile` say, and what reading its records found:
/// the trailer's count and first/last call times checked against the records read.
///
/// `CallEventDataFile ::= SEQUENCE { headerRecord [0], callEventRecords [1] SEQUENCE OF CallEventRecord,
/// trailerRecord [2], extensions [3] }`; the trailer may come before the records and may be empty.
struct CallEventDataFile {
    /// `TrailerRecord ::= SEQUENCE { productionDateTime [0], recordingEntity [1], firstCallDateTime [2],
    /// lastCallDateTime [3], noOfRecords [4], extensions [5] }`: the parts cdrpipe checks.
    struct Trailer {
        var records: Int64?
        var firstCall: Int64?
        var lastCall: Int64?
    }

    /// How far a call may start outside the trailer's first and last call times before it counts as a
    /// mismatch: vendors take those from seizure, answer or release time.
    static let timeTolerance: Int64 = 300

    /// The 1-based position of this `CallEventDataFile` in the stream (a file may hold several).
    var index: Int
    /// Call event records read (stored, skipped by kind or rejected alike).
    var records: Int64 = 0
    var earliestStart: Int64?
    var latestStart: Int64?
    /// The trailer, once read; nil when none was seen.
    var trailer: Trailer?
    var sawHeader = false

    /// Notes a decoded call's start.
    mutating func saw(start: Int64) {
        earliestStart = min(earliestStart ?? start, start)
        latestStart = max(latestStart ?? start, start)
    }

    /// Reads a trailer's content (its fields, without the `[2]` header).
    static func trailer(_ content: UnsafeRawBufferPointer, clock: inout LocalTimeConverter) -> Trailer {
        var trailer = Trailer()
        var i = 0
        while i < content.count, let header = try? BERHeader.read(content, at: i, limit: content.count),
            let length = header.length, i + header.headerLength + length <= content.count
        {
            let value = UnsafeRawBufferPointer(
                rebasing: content[(i + header.headerLength)..<(i + header.headerLength + length)]
            )
            if header.tagClass == 2 {
                switch header.tag {
                case 2: trailer.firstCall = BERValue.timestamp(value, clock: &clock) ?? nil
                case 3: trailer.lastCall = BERValue.timestamp(value, clock: &clock) ?? nil
                case 4: trailer.records = BERValue.integer(value)
                default: break
                }
            }
            i += header.headerLength + length
        }
        return trailer
    }

    /// What disagrees between the trailer and the records read; empty when they agree.
    var mismatches: [String] {
        let name = "CallEventDataFile \(index)"
        guard let trailer else { return ["\(name) has no trailer record: its completeness cannot be checked"] }
        var found: [String] = []
        if let expected = trailer.records, expected != records {
            found.append("\(name): the trailer counts \(expected) records, the file holds \(records)")
        }
        if let first = trailer.firstCall, let earliest = earliestStart, earliest < first - Self.timeTolerance {
            found.append(
                "\(name): a call starts at \(CivilTime.iso8601(earliest)), before the trailer's first call time "
                    + CivilTime.iso8601(first)
            )
        }
        if let last = trailer.lastCall, let latest = latestStart, latest > last + Self.timeTolerance {
            found.append(
                "\(name): a call starts at \(CivilTime.iso8601(latest)), after the trailer's last call time "
                    + CivilTime.iso8601(last)
            )
        }
        return found
    }
}
