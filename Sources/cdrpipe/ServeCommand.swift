import ArgumentParser
import CDRBackup
import CDRPostgres
import CDRRetention
import CDRServer
import CDRStorage
import Foundation
import Synchronization

/// `cdrpipe serve`: the HTTP API and the analysts' page.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (TLS with --tls-cert/--tls-key; plain HTTP on loopback only).",
        discussion: "Stops gracefully on SIGTERM or SIGINT, finishing requests in flight."
    )

    @OptionGroup var options: PolicyOptions

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "TCP port (0 picks a free one and prints it).")
    var port: Int = 8443

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain file.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key file.")
    var tlsKey: String?

    @Flag(help: "Allow plain HTTP on a non-loopback address (tokens and personal data travel in clear).")
    var insecure = false

    @Option(
        name: .customLong("billing-days"),
        help: "Days after a call during which erasure must keep its record for billing (default 0)."
    )
    var billingDays: Int64 = 0

    @Option(help: "Database connections for aggregate queries the cache cannot answer (1–64; two more serve the rest).")
    var readers = 2

    @Option(name: .customLong("max-waiting"), help: "Aggregate queries that may wait for a connection; more get 503.")
    var maxWaiting = 64

    @Option(
        name: .customLong("query-timeout"),
        help: "Seconds one request's database work may run before it is stopped with 503."
    )
    var queryTimeout: Double = 10

    @Option(
        name: .customLong("idle-timeout"),
        help: "Seconds a connection may go without a complete request part (idle or slow) before it is closed."
    )
    var idleTimeout: Double = 30

    @Option(name: .customLong("max-connections"), help: "Connections open at once; more get 503 and are closed.")
    var maxConnections = 256

    @Option(help: "Run backups on a schedule inside the server: daily.")
    var schedule: String?

    @Option(name: .customLong("backup-to"), help: "With --schedule: the local backup folder.")
    var backupTo: String?

    @Option(name: .customLong("backup-at"), help: "With --schedule: local time of the daily backup (HH:MM).")
    var backupAt: String = "02:00"

    @Option(
        name: .customLong("backup-key"),
        help: "With --schedule: the backup key (default: backup.key in the key folder)."
    )
    var backupKey: String?

    @Option(help: "With --schedule: an off-site folder.") var offsite: String?
    @Option(name: .customLong("offsite-cmd"), help: "With --schedule: an off-site command (see `backup create`).")
    var offsiteCommand: String?
    @Option(name: .customLong("keep-days"), help: "With --schedule: days backups are kept.") var keepDays: Int = 30

    func validate() throws {
        if let schedule {
            guard (try? StoreLocation(options.db))?.isPostgres != true else {
                throw ValidationError(
                    "--schedule backs up the SQLite file; back PostgreSQL up with its own tools (pg_basebackup, pgBackRest)"
                )
            }
            guard schedule == "daily" else { throw ValidationError("--schedule takes daily") }
            guard backupTo != nil else { throw ValidationError("--schedule daily needs --backup-to DIR") }
            guard backupTime != nil else { throw ValidationError("--backup-at \(backupAt) is not HH:MM") }
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard (1...64).contains(readers) else { throw ValidationError("--readers must be 1–64") }
        guard (0...100_000).contains(maxWaiting) else { throw ValidationError("--max-waiting must be 0–100000") }
        guard queryTimeout > 0, queryTimeout <= 3600 else {
            throw ValidationError("--query-timeout must be over 0 and at most 3600 seconds")
        }
        guard idleTimeout >= 1, idleTimeout <= 3600 else {
            throw ValidationError("--idle-timeout must be 1–3600 seconds")
        }
        guard (1...100_000).contains(maxConnections) else {
            throw ValidationError("--max-connections must be 1–100000")
        }
        let settings = ServerSettings(host: host, port: port, certificate: tlsCert, key: tlsKey, insecure: insecure)
        do { try settings.validate() } catch { throw ValidationError(error.description) }
    }

    var backupTime: (Int, Int)? {
        let parts = backupAt.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour),
            (0..<60).contains(minute)
        else { return nil }
        return (hour, minute)
    }

    func run() throws {
        var settings = ServerSettings(host: host, port: port, certificate: tlsCert, key: tlsKey, insecure: insecure)
        settings.idleTimeout = idleTimeout
        settings.maxConnections = maxConnections
        let options = options
        let server = APIServer(
            store: try options.openServing(
                ServingLimits(readers: readers, maxWaiting: maxWaiting, timeLimit: queryTimeout)
            ),
            vault: try options.vault(),
            policy: try options.resolvedPolicy(),
            billingDays: billingDays
        )
        if schedule != nil, let backupTo, let (hour, minute) = backupTime {
            let plan = BackupScheduler.Plan(
                database: options.db,
                shelf: try BackupShelf(directory: backupTo),
                key: try BackupKey(
                    path: backupKey ?? (options.keyDir ?? KeyVault.defaultDirectory(forDatabase: options.db))
                        + "/backup.key",
                    create: true
                ),
                offsite: offsite.map(OffsiteCopy.directory) ?? offsiteCommand.map(OffsiteCopy.command),
                keepDays: keepDays,
                hour: hour,
                minute: minute
            )
            _ = BackupScheduler(plan: plan) { line in
                FileHandle.standardError.write(Data("cdrpipe serve: \(line)\n".utf8))
            }
        }
        let scheme = tlsCert == nil ? "http" : "https"
        let host = host
        let failure = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run(settings) { port in
                    FileHandle.standardOutput.write(
                        Data("cdrpipe serve: listening on \(scheme)://\(host):\(port)/\n".utf8)
                    )
                }
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            done.signal()
        }
        done.wait()
        if let message = failure.withLock({ $0 }) { throw CommandFailure(message) }
        print("cdrpipe serve: stopped")
    }
}
