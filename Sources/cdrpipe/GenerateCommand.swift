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

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be 0 or more") }
        guard days >= 1 else { throw ValidationError("--days must be at least 1") }
        guard CivilTime.parseISO(start) != nil else { throw ValidationError("--start \(start) is not YYYY-MM-DD") }
    }

    func run() throws {
        try Self.write(
            format: format,
            rows: rows,
            seed: seed,
            start: CivilTime.parseISO(start)!,
            days: days,
            gzip: gzip,
            to: output
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
        extraLines: [String] = []
    ) throws {
        let sink = try OutputSink(path: path, gzip: gzip)
        let writer = CallFileWriter(format: format)
        if let header = writer.header { try sink.write(header) }
        for (index, call) in TrafficGenerator(rows: rows, seed: seed, start: start, days: days).enumerated() {
            try sink.write(bytes: writer.encode(call, number: index + 1))
            if index == rows / 2 { for line in extraLines { try sink.write(line) } }
        }
        try sink.close()
    }
}
