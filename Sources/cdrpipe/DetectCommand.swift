import ArgumentParser
import CDRIngest
import CDRModel
import CDRStore
import Foundation

/// `cdrpipe detect`: re-runs the fraud rules over records already stored, in start order across files.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run fraud detection over stored records in start order (e.g. after changing the rules).",
        discussion: """
            Alerts already stored are not repeated; new ones are stored, grouped into cases and reported to the \
            outbox (and webhook) as after an ingest run.
            """
    )

    @Option(help: "The SQLite database file.")
    var db: String

    @Option(help: "First day observed (YYYY-MM-DD, UTC). Default: the oldest stored.")
    var from: String?

    @Option(help: "Last day observed (YYYY-MM-DD, UTC). Default: the newest stored.")
    var to: String?

    @Option(name: .customLong("home-country"), help: "Home country calling code for national numbers.")
    var homeCountry: String = "44"

    @OptionGroup var fraud: FraudOptions

    func run() throws {
        let first = try parseDate(from, option: "--from").map(CallRecord.dayOf) ?? Int64.min
        let last = try parseDate(to, option: "--to").map(CallRecord.dayOf) ?? Int64.max
        guard first <= last else { throw ValidationError("--from \(from ?? "") is after --to \(to ?? "")") }
        guard !fraud.noFraud, let engine = try fraud.engine(homeCountry: homeCountry) else {
            throw ValidationError("--no-fraud leaves nothing to do")
        }
        guard FileManager.default.fileExists(atPath: db) else { throw CommandFailure("\(db): no such database") }
        let outcome: DetectionPass.Outcome
        do {
            outcome = try DetectionPass(engine: engine).run(store: try SQLiteStore(path: db), days: first...last)
        } catch {
            throw CommandFailure(error.description)
        }
        let rate = Double(outcome.observed) / max(outcome.seconds, 0.001)
        print(
            "observed \(outcome.observed) records in \(String(format: "%.2f", outcome.seconds)) s "
                + "(\(Int(rate)) records/s); \(outcome.alertIDs.count) new alerts"
        )
        if let report = try fraud.writeReport(db: db, alertIDs: outcome.alertIDs, run: "detection run") {
            print("report: \(report)")
        }
    }
}
