import ArgumentParser
import CDRGenerator
import CDRModel
import Foundation

extension CallFileWriter.Format: ExpressibleByArgument {}

/// `cdrpipe generate`: deterministic synthetic traffic for demos, tests and benchmarks.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write deterministic, realistic synthetic CDRs."
    )

    @Option(help: "asterisk (cdr_csv, 18 columns, UTC), mapped (fixtures/operator-mapping.json), freeswitch, or cucm.")
    var format: CallFileWriter.Format = .asterisk

    @Option(help: "Number of records.")
    var rows: Int

    @Option(help: "Random seed: the same seed writes the same file.")
    var seed: UInt64 = 1

    @Option(help: "First day (YYYY-MM-DD, UTC).")
    var start: String = "2026-01-05"

    @Option(help: "Days the traffic spans.")
    var days: Int = 1

    @Flag(help: "Compress with gzip.")
    var gzip = false

    @Option(name: .shortAndLong, help: "Output file (- for standard output).")
    var output: String = "-"

    @Option(
        help:
            "Fraud scenarios to inject: type:count,… (irsf, wangiri, pbx, premium, robocall, concurrency, diversion, all)."
    )
    var inject: String?

    @Option(help: "Where to write the ground truth of injected records (CSV).")
    var labels: String?

    @Option(help: "Legitimate look-alikes to inject per injected type that has one (labelled confounder).")
    var lookalikes = 0

    @Option(
        help: "Subtle scenarios per injected type besides the standard ones (at 1-1.5x the warning threshold)."
    )
    var subtle = 0

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be 0 or more") }
        guard days >= 1 else { throw ValidationError("--days must be at least 1") }
        guard CivilTime.parseISO(start) != nil else { throw ValidationError("--start \(start) is not YYYY-MM-DD") }
        if let inject, ScenarioInjector.parse(inject) == nil {
            throw ValidationError(
                "--inject \(inject): expected type:count,… with types \(ScenarioType.allCases.map(\.rawValue).joined(separator: ", ")) or all"
            )
        }
        if labels != nil && inject == nil { throw ValidationError("--labels needs --inject") }
        guard subtle >= 0 else { throw ValidationError("--subtle must be 0 or more") }
        if subtle > 0 && inject == nil { throw ValidationError("--subtle needs --inject") }
    }

    func run() throws {
        try Self.write(
            format: format,
            rows: rows,
            seed: seed,
            start: CivilTime.parseISO(start)!,
            days: days,
            gzip: gzip,
            to: output,
            inject: inject.flatMap(ScenarioInjector.parse),
            labels: labels,
            lookalikes: lookalikes,
            subtle: subtle
        )
    }

    /// Writes a generated file; shared with `demo`.
    static func write(
        format: CallFileWriter.Format,
        rows: Int,
        seed: UInt64,
        start: Int64,
        days: Int,
        gzip: Bool,
        to path: String,
        extraLines: [String] = [],
        inject: [(type: ScenarioType, count: Int)]? = nil,
        labels: String? = nil,
        lookalikes: Int = 0,
        subtle: Int = 0
    ) throws {
        let sink = try OutputSink(path: path, gzip: gzip)
        let writer = CallFileWriter(format: format)
        if let header = writer.header { try sink.write(header) }
        var injected: [GeneratedCall] = []
        var truth: [ScenarioLabel] = []
        if let inject {
            var injector = ScenarioInjector(counts: inject, seed: seed, start: start, days: days)
            injector.confounders = lookalikes
            injector.subtle = subtle
            (injected, truth) = injector.calls()
        }
        var storedIDs: [String] = []
        var next = 0
        var number = 0
        for (index, call) in TrafficGenerator(rows: rows, seed: seed, start: start, days: days).enumerated() {
            while next < injected.count && injected[next].start <= call.start {
                number += 1
                storedIDs.append(writer.storedID(injected[next], number: number))
                try sink.write(bytes: writer.encode(injected[next], number: number))
                next += 1
            }
            number += 1
            try sink.write(bytes: writer.encode(call, number: number))
            if index == rows / 2 { for line in extraLines { try sink.write(line) } }
        }
        while next < injected.count {
            number += 1
            storedIDs.append(writer.storedID(injected[next], number: number))
            try sink.write(bytes: writer.encode(injected[next], number: number))
            next += 1
        }
        try sink.close()
        if let labels {
            for index in truth.indices { truth[index].uniqueID = storedIDs[index] }
            let text = ([ScenarioLabel.header] + truth.map(\.csv)).joined(separator: "\n") + "\n"
            try text.write(toFile: labels, atomically: true, encoding: .utf8)
        }
    }
}
