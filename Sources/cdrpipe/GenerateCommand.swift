import ArgumentParser
import CDRGenerator
import CDRModel
import Foundation

extension CallFileWriter.Format: ExpressibleByArgument {}
extension BERWriter.Framing: ExpressibleByArgument {}

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

    @Option(help: "With --format 3gpp-ber: records (CSRecord after CSRecord) or msc (an MSC CallEventDataFile).")
    var framing: BERWriter.Framing = .records

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

    @Option(help: "Lines making the background calls (default: one per 40 calls, from 200 to 500,000).")
    var subscribers: Int?

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
        if let subscribers, !(1...50_000_000).contains(subscribers) {
            throw ValidationError("--subscribers must be 1–50000000")
        }
        if framing == .msc && format != .ber { throw ValidationError("--framing msc needs --format 3gpp-ber") }
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
            subtle: subtle,
            framing: framing,
            subscribers: subscribers
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
        subtle: Int = 0,
        framing: BERWriter.Framing = .records,
        subscribers: Int? = nil
    ) throws {
        var file = GeneratedFile(format: format, rows: rows, seed: seed, start: start, days: days)
        file.gzip = gzip
        file.framing = framing
        file.extraLines = extraLines
        file.inject = inject
        file.lookalikes = lookalikes
        file.subtle = subtle
        file.subscribers = subscribers
        try file.write(to: path, labels: labels)
    }
}
