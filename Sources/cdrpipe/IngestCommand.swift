import ArgumentParser
import CDRFormats
import CDRIngest
import CDRPostgres
import CDRSQLite
import CDRStorage
import Foundation

/// `cdrpipe ingest`: load CDR files into the store.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load CDR files (plain or gzip; directories are walked; - is standard input)."
    )

    @Option(
        help:
            "The SQLite database file (created with mode 0600), or postgres://user@host[:port]/dbname (default: $CDRPIPE_DB)."
    )
    var db: String = ProcessInfo.processInfo.environment["CDRPIPE_DB"] ?? ""

    @OptionGroup var input: InputOptions

    @OptionGroup var fraud: FraudOptions

    @Option(
        name: .customLong("detect"),
        help: """
            When fraud detection runs: stream (while loading, alerts per batch) or after-run (once every file is \
            stored, in start order across files: for files from several switches covering the same hours).
            """
    )
    var detectionMode: DetectionMode = .stream

    @Option(help: "Where rejected records go (JSON lines). Default: <db>.rejects.jsonl")
    var rejects: String?

    @Flag(help: "Print a machine-readable JSON summary.")
    var json = false

    @Option(name: .customLong("checkpoint-every"), help: ArgumentHelp("Records between commits.", visibility: .hidden))
    var checkpointEvery = 250_000

    @Option(help: "PostgreSQL: this worker's name in file claims (default: host:pid).")
    var worker: String?

    @Option(name: .customLong("lease-seconds"), help: "PostgreSQL: how long a claim lasts without progress.")
    var leaseSeconds = 60

    @Flag(help: "PostgreSQL: stay until every file is loaded by some worker (taking over expired claims).")
    var wait = false

    @Option(
        name: .customLong("copy-batch"),
        help: ArgumentHelp("PostgreSQL: records per COPY transaction.", visibility: .hidden)
    )
    var copyBatch = 50_000

    @Argument(help: "Files or directories to load.")
    var paths: [String]

    func validate() throws {
        guard !db.isEmpty else { throw ValidationError("--db is required (or set CDRPIPE_DB)") }
        guard (1...86_400).contains(leaseSeconds) else { throw ValidationError("--lease-seconds must be 1–86400") }
    }

    func run() throws {
        if try StoreLocation(db).isPostgres { return try runOnPostgres() }
        let summary = try Self.ingest(
            db: db,
            input: input,
            rejects: rejects,
            paths: paths,
            showProgress: !json,
            checkpointEvery: checkpointEvery,
            fraud: fraud,
            detectionMode: detectionMode
        )
        let report: String?
        do {
            report = try fraud.writeReport(db: db, alertIDs: summary.alertIDs, homeCountry: input.homeCountry)
        } catch {
            print(json ? SummaryPrinter.json(summary) : SummaryPrinter.text(summary))
            throw CommandFailure(
                "the records are stored and the \(summary.alertIDs.count) alerts are in the database, but the alert "
                    + "report could not be written: \(Self.describe(error)); `cdrpipe alerts` reads them",
                code: ExitStatus.ioError
            )
        }
        print(json ? SummaryPrinter.json(summary) : SummaryPrinter.text(summary))
        if let report, !json { print("\(summary.alertIDs.count) fraud alerts; report: \(report)") }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    /// A file-system error for a person: the system's own reason (`No space left on device`) rather than
    /// Foundation's bare domain and code.
    static func describe(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            let path = ns.userInfo[NSFilePathErrorKey].map { " (\($0))" } ?? ""
            return String(cString: strerror(Int32(underlying.code))) + path
        }
        if let failure = error as? CommandFailure { return failure.message }
        if ns.domain == NSCocoaErrorDomain {
            return "cannot write" + (ns.userInfo[NSFilePathErrorKey].map { " at \($0)" } ?? "")
                + " (file error \(ns.code))"
        }
        return "\(error)"
    }

    /// Runs an ingest; shared with `demo`.
    static func ingest(
        db: String,
        input: InputOptions,
        rejects: String?,
        paths: [String],
        showProgress: Bool,
        checkpointEvery: Int = 250_000,
        fraud: FraudOptions? = nil,
        detectionMode: DetectionMode = .stream
    ) throws -> IngestSummary {
        var options = try input.ingestOptions()
        options.checkpointEvery = max(1, checkpointEvery)
        do {
            let store = try SQLiteStore(path: db)
            let lock = try IngestLock(databasePath: db)
            defer { withExtendedLifetime(lock) {} }
            let bar = showProgress && ProgressBar.isTerminal ? ProgressBar() : nil
            var report: (@Sendable (IngestProgress) -> Void)?
            if let bar { report = { bar.update($0) } }
            let job = try IngestJob(
                into: .sqlite(store),
                options: options,
                rejectsPath: rejects ?? db + ".rejects.jsonl",
                progress: report,
                fraud: try fraud?.engine(
                    homeCountry: input.homeCountry,
                    profiles: StoredProfiles.lookup { try SQLiteStore(path: db, cacheMiB: 2) },
                    pastOnly: detectionMode == .afterRun
                ),
                mode: detectionMode
            )
            let summary = job.run(paths: paths)
            bar?.finish()
            return summary
        } catch let error as StoreError {
            throw CommandFailure(
                error.isIO ? "\(db): \(error.message) (\(error.context))" : error.description,
                code: error.isIO ? ExitStatus.ioError : 1
            )
        } catch let error as IngestError {
            throw CommandFailure(error.description, code: error.busy ? ExitStatus.busy : 1)
        } catch let error as SourceError {
            throw CommandFailure(error.reason, code: error.io ? ExitStatus.ioError : 1)
        }
    }
}

extension IngestCommand {
    /// One PostgreSQL worker; fraud detection runs separately (a single consumer), not inside workers.
    func runOnPostgres() throws {
        if fraud.rules != nil || fraud.riskRanges != nil || fraud.calendars != nil || fraud.outbox != nil
            || fraud.webhook != nil
        {
            throw ValidationError(
                "on PostgreSQL, workers do not detect fraud: give the rules, ranges, calendars, outbox and webhook to `cdrpipe detect`, the one consumer"
            )
        }
        var options = try input.ingestOptions()
        options.checkpointEvery = max(1, checkpointEvery)
        let summary: IngestSummary
        do {
            let store = try PostgresStore(try PostgresLocation(url: db))
            let worker = PostgresWorker(
                name: worker ?? PostgresWorker.defaultName,
                leaseSeconds: leaseSeconds,
                wait: wait,
                copyBatch: copyBatch
            )
            let job = try IngestJob(
                into: .postgres(store, worker),
                options: options,
                rejectsPath: rejects ?? "cdrpipe.rejects.jsonl"
            )
            summary = job.run(paths: paths)
        } catch let error as PostgresStoreError {
            throw CommandFailure(error.description)
        } catch let error as SourceError {
            throw CommandFailure(error.reason)
        }
        print(json ? SummaryPrinter.json(summary) : SummaryPrinter.text(summary))
        if !fraud.noFraud && !json && summary.records > 0 {
            FileHandle.standardError.write(
                Data(
                    "fraud detection: run `cdrpipe detect --db \(PostgresLocation.redacted(db))` (one consumer for all workers)\n"
                        .utf8
                )
            )
        }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}

extension DetectionMode: ExpressibleByArgument {}
