import CDRModel
import Foundation

/// One synthetic call file: background traffic with injected scenarios in one format, written in one pass
/// (two for an MSC file, whose header states its length), with the ground truth of what was injected.
public struct GeneratedFile {
    /// The file format.
    public var format: CallFileWriter.Format
    /// Background records.
    public var rows: Int
    /// The random seed: the same seed writes the same file.
    public var seed: UInt64
    /// The first day, as epoch seconds of its midnight (UTC).
    public var start: Int64
    /// Days the traffic spans.
    public var days: Int
    /// Compress with gzip.
    public var gzip = false
    /// Lines making the background calls (nil: one per 40 calls, from 200 to 500,000).
    public var subscribers: Int?
    /// How BER records are framed.
    public var framing: BERWriter.Framing = .records
    /// Lines written as they are halfway through the file (broken rows for demos).
    public var extraLines: [String] = []
    /// Fraud scenarios to inject, by type.
    public var inject: [(type: ScenarioType, count: Int)]?
    /// Legitimate look-alikes per injected type.
    public var lookalikes = 0
    /// Subtle scenarios per injected type.
    public var subtle = 0

    /// A file of `rows` background calls in `format` over `days` days from `start`.
    public init(format: CallFileWriter.Format, rows: Int, seed: UInt64, start: Int64, days: Int) {
        self.format = format
        self.rows = rows
        self.seed = seed
        self.start = start
        self.days = days
    }

    /// Writes the file to `path`, and the ground truth of injected calls to `labels` when given.
    public func write(to path: String, labels: String? = nil) throws {
        let (injected, truth) = scenarios()
        let sink = try OutputSink(path: path, gzip: gzip)
        let writer = CallFileWriter(format: format)
        if let header = writer.header { try sink.write(header) }
        let frame = framing == .msc ? mscFrame(injected, writer: writer) : nil
        if let frame { try sink.write(bytes: frame.head) }
        var storedIDs: [String] = []
        try forEachCall(injected) { call, number, isInjected in
            if isInjected { storedIDs.append(writer.storedID(call, number: number)) }
            try sink.write(bytes: writer.encode(call, number: number))
        } halfway: {
            for line in extraLines { try sink.write(line) }
        }
        if let frame { try sink.write(bytes: frame.tail) }
        try sink.close()
        if let labels { try writeLabels(truth, storedIDs: storedIDs, to: labels) }
    }

    /// The injected calls in time order, with their labels.
    private func scenarios() -> ([GeneratedCall], [ScenarioLabel]) {
        guard let inject else { return ([], []) }
        var injector = ScenarioInjector(counts: inject, seed: seed, start: start, days: days)
        injector.confounders = lookalikes
        injector.subtle = subtle
        return injector.calls()
    }

    /// Every call in file order, numbered from 1, and whether it was injected; `halfway` runs once after the
    /// middle background call.
    private func forEachCall(
        _ injected: [GeneratedCall],
        _ body: (GeneratedCall, Int, Bool) throws -> Void,
        halfway: () throws -> Void = {}
    ) rethrows {
        var next = 0
        var number = 0
        for (index, call) in TrafficGenerator(
            rows: rows,
            seed: seed,
            start: start,
            days: days,
            subscribers: subscribers
        )
        .enumerated() {
            while next < injected.count && injected[next].start <= call.start {
                number += 1
                try body(injected[next], number, true)
                next += 1
            }
            number += 1
            try body(call, number, false)
            if index == rows / 2 { try halfway() }
        }
        while next < injected.count {
            number += 1
            try body(injected[next], number, true)
            next += 1
        }
    }

    /// The MSC file's header and trailer, from a first pass that measures the records.
    private func mscFrame(_ injected: [GeneratedCall], writer: CallFileWriter) -> (head: [UInt8], tail: [UInt8]) {
        var bytes = 0
        var count = 0
        var first = Int64.max
        var last = Int64.min
        forEachCall(
            injected,
            { call, number, _ in
                bytes += writer.encode(call, number: number).count
                count += 1
                first = min(first, call.start)
                last = max(last, call.start)
            },
            halfway: {}
        )
        return BERWriter.callEventDataFile(
            recordBytes: bytes,
            records: count,
            firstCall: count == 0 ? start : first,
            lastCall: count == 0 ? start : last,
            produced: start + Int64(days) * UTCDay.seconds
        )
    }

    /// Writes the labels CSV, each label carrying the id its record is stored under.
    private func writeLabels(_ truth: [ScenarioLabel], storedIDs: [String], to path: String) throws {
        var truth = truth
        for index in truth.indices { truth[index].uniqueID = storedIDs[index] }
        let text = ([ScenarioLabel.header] + truth.map(\.csv)).joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
