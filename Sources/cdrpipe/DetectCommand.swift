import ArgumentParser
import CDRIngest
import CDRModel
import CDRPostgres
import CDRSQLite
import CDRStorage
import Foundation

/// `cdrpipe detect`: re-runs the fraud rules over records already stored, in start order across files.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run fraud detection over stored records in start order (e.g. after changing the rules).",
        discussion: """
            Alerts already stored are not repeated; new ones are stored, grouped into cases and reported to the \
            outbox (and webhook) as after an ingest run.

            With PostgreSQL, `detect` is the single fraud consumer behind any number of ingest workers: each run \
            takes the loaded files it has not yet observed, replays the --warmup-hours before them from files \
            already observed, observes them in call-start order, and stores their alerts and marks them observed \
            in one transaction. Run it after each load, or every few minutes; a second consumer refuses to start.
            """
    )

    @Option(help: "The SQLite database file, or postgres://user@host[:port]/dbname (default: $CDRPIPE_DB).")
    var db: String = ProcessInfo.processInfo.environment["CDRPIPE_DB"] ?? ""

    @Option(
        name: .customLong("warmup-hours"),
        help: "PostgreSQL: hours of already-observed records replayed before new files, to fill detector windows."
    )
    var warmupHours = 24

    @Option(help: "First day observed (YYYY-MM-DD, UTC). Default: the oldest stored.")
    var from: String?

    @Option(help: "Last day observed (YYYY-MM-DD, UTC). Default: the newest stored.")
    var to: String?

    @Option(name: .customLong("home-country"), help: "Home country calling code for national numbers.")
    var homeCountry: String = "44"

    @OptionGroup var fraud: FraudOptions

    func validate() throws {
        guard !db.isEmpty else { throw ValidationError("--db is required (or set CDRPIPE_DB)") }
        guard (0...24 * 90).contains(warmupHours) else { throw ValidationError("--warmup-hours must be 0–2160") }
    }

    func run() throws {
        if try StoreLocation(db).isPostgres { return try runOnPostgres() }
        let first = try parseDate(from, option: "--from").map(CallRecord.dayOf) ?? Int64.min
        let last = try parseDate(to, option: "--to").map(CallRecord.dayOf) ?? Int64.max
        guard first <= last else { throw ValidationError("--from \(from ?? "") is after --to \(to ?? "")") }
        guard
            !fraud.noFraud,
            let engine = try fraud.engine(
                homeCountry: homeCountry,
                profiles: StoredProfiles.lookup { [db] in try SQLiteStore(path: db, cacheMiB: 2) },
                pastOnly: true
            )
        else {
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
        if let report = try fraud.writeReport(
            db: db,
            alertIDs: outcome.alertIDs,
            homeCountry: homeCountry,
            run: "detection run"
        ) {
            print("report: \(report)")
        }
    }

    /// One pass of the single consumer over the files loaded since the last.
    func runOnPostgres() throws {
        guard from == nil && to == nil else {
            throw ValidationError(
                "--from/--to apply to SQLite; on PostgreSQL detect observes the files not yet observed"
            )
        }
        let location = try PostgresLocation(url: db)
        guard
            !fraud.noFraud,
            let engine = try fraud.engine(
                homeCountry: homeCountry,
                profiles: StoredProfiles.lookup { try PostgresStore(location) },
                pastOnly: true
            )
        else {
            throw ValidationError("--no-fraud leaves nothing to do")
        }
        do {
            let store = try PostgresStore(location)
            guard try store.becomeDetectionConsumer() else {
                throw CommandFailure("another cdrpipe detect is running on this database; detection has one consumer")
            }
            let pending = try store.filesAwaitingDetection()
            guard let earliest = pending.map(\.first).min(), let latest = pending.map(\.last).max() else {
                print("no loaded files await detection")
                return
            }
            let replayFrom = earliest - Int64(warmupHours) * 3_600
            let files = try store.loadedFiles(overlapping: replayFrom...latest)
            let outcome = try DetectionPass(engine: engine).run(
                store: store,
                days: CallRecord.dayOf(replayFrom)...CallRecord.dayOf(latest),
                files: files
            ) { try store.markDetected(pending.map(\.id)) }
            let rate = Double(outcome.observed) / max(outcome.seconds, 0.001)
            print(
                "observed \(pending.count) new files and \(files.count - pending.count) earlier ones: "
                    + "\(outcome.observed) records in \(String(format: "%.2f", outcome.seconds)) s "
                    + "(\(Int(rate)) records/s); \(outcome.alertIDs.count) new alerts"
            )
            if let report = try fraud.writeReport(
                store: store,
                db: db,
                alertIDs: outcome.alertIDs,
                homeCountry: homeCountry,
                run: "detection run"
            ) {
                print("report: \(report)")
            }
        } catch let error as PostgresStoreError {
            throw CommandFailure(error.description)
        } catch let error as StoreError {
            throw CommandFailure(error.description)
        }
    }
}
