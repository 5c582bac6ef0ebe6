import ArgumentParser
import CDRModel
import CDRRetention
import CDRStorage
import Foundation

extension AggregateDimension: ExpressibleByArgument {}

/// `cdrpipe aggregates`: KPIs over the anonymised aggregates and the records still in full form.
struct AggregatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregates",
        abstract: "Query traffic KPIs (calls, ASR, NER, ACD, minutes) from the anonymised aggregates."
    )

    enum Format: String, ExpressibleByArgument { case table, csv, json }

    @OptionGroup var options: PolicyOptions

    @Option(help: "First day (YYYY-MM-DD, UTC).")
    var from: String

    @Option(help: "Last day (inclusive).")
    var to: String

    @Option(
        help:
            "Dimensions to group by, comma-separated: day, month, hour, carrier, country, type, area, direction, disposition."
    )
    var by: String = "day"

    @Option(help: "Output format: table, csv or json.")
    var format: Format = .table

    @Flag(name: .customLong("aggregates-only"), help: "Leave out the full records of the last months.")
    var aggregatesOnly = false

    func run() throws {
        let policy = try options.resolvedPolicy()
        guard let first = try parseDate(from, option: "--from"), let last = try parseDate(to, option: "--to") else {
            throw ValidationError("--from and --to are required")
        }
        if last < first { throw ValidationError("--to \(to) is before --from \(from)") }
        var dimensions: [AggregateDimension] = []
        for name in by.split(separator: ",") {
            guard let dimension = AggregateDimension(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError(
                    "--by \(name) is not a dimension (use \(AggregateDimension.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            if !dimensions.contains(dimension) { dimensions.append(dimension) }
        }
        let rows: [AggregateRow]
        do {
            rows = try AggregateQuery(store: try options.openStore(), policy: policy).run(
                days: EpochSeconds(first).day...EpochSeconds(last).day,
                by: dimensions,
                includeRecords: !aggregatesOnly
            )
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
        let printer = AggregatePrinter(dimensions: dimensions.map(\.rawValue), k: policy.smallCellK)
        switch format {
        case .table: print(printer.table(rows))
        case .csv: print(printer.csv(rows), terminator: "")
        case .json: print(printer.json(rows))
        }
    }
}
