import ArgumentParser
import CDRBackup
import CDRFraud
import CDRIngest
import CDRRetention
import CDRSQLite
import CDRServer
import CDRService
import CDRStorage
import Foundation
import Synchronization

/// Starts what a ``ServicePlan`` describes and waits for SIGTERM or SIGINT: the collector (ingest with
/// stream detection), the HTTP API, daily retention (between files, on the collector's thread), daily
/// backups (a thread of their own) and webhook retries.
struct ServiceRunner {
    let plan: ServicePlan

    func run() throws {
        let config = plan.config
        let db = config.store.db
        let store = try Self.writer { try SQLiteStore(path: db, keyDirectory: config.store.keyDir) }
        let lock = try Self.writer { try IngestLock(databasePath: db) }
        defer { withExtendedLifetime(lock) {} }
        let job = try IngestJob(
            into: .sqlite(store),
            options: IngestOptions(),
            rejectsPath: plan.rejects,
            fraud: try Self.engine(plan)
        )
        let desk = config.server == nil ? nil : PushDesk(sources: config.sources, options: plan.sourceOptions)
        // Reports and webhook deliveries run on a queue of their own, one at a time: a slow or unreachable
        // receiver never holds up loading.
        let reports = DispatchQueue(label: "cdrpipe-reports")
        _ = try? store.appendAudit(actor: "service", action: "service start", outcome: "ok", detail: plan.file)
        let collector = Collector(
            job: job,
            sources: config.sources,
            options: plan.sourceOptions,
            settings: .init(
                pollSeconds: config.pollSeconds,
                quietSeconds: config.fraud.quietSeconds,
                reorderSeconds: Int64(config.fraud.reorderSeconds)
            ),
            desk: desk,
            spool: db + ".push",
            rules: { [plan] in try Self.engine(plan) },
            alerts: { [plan, reports] ids in reports.async { Self.report(ids, plan: plan) } },
            tick: schedule(reports: reports),
            log: serviceLog
        )
        let backups = try backupJob()
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { collector.reloadRules() }
        hangup.resume()
        defer { hangup.cancel() }
        serviceLog("collecting from \(config.sources.map(\.name).joined(separator: ", ")) into \(db)")
        try waitForStop(collector: collector, desk: desk)
        backups?.stop()
        collector.stop()
        reports.sync {}
        _ = try? SQLiteStore(path: db).appendAudit(
            actor: "service",
            action: "service stop",
            outcome: "ok",
            detail: plan.file
        )
        serviceLog("stopped")
    }

    /// Opens what the service writes through (the store, the ingest lock keeping other loads out), with an
    /// error for a person and the busy exit status when another load holds the database.
    private static func writer<T>(_ open: () throws -> T) throws -> T {
        do {
            return try open()
        } catch let error as IngestError {
            throw CommandFailure(error.description, code: error.busy ? ExitStatus.busy : 1)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// A fraud engine from the rules and ranges files as they are now (at start, and at each SIGHUP).
    private static func engine(_ plan: ServicePlan) throws -> FraudEngine? {
        let db = plan.config.store.db
        return try plan.fraud.engine(
            homeCountry: plan.homeCountry,
            profiles: StoredProfiles.lookup { try SQLiteStore(path: db, cacheMiB: 2) },
            reorderSeconds: Int64(plan.config.fraud.reorderSeconds)
        )
    }

    /// Serves the API until a stop signal when the config has a server; otherwise waits for the signal.
    private func waitForStop(collector: Collector, desk: PushDesk?) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<String?>(nil)
        var sources: [any DispatchSourceSignal] = []
        if let section = plan.config.server {
            var settings = ServerSettings(
                host: section.host,
                port: section.port,
                certificate: section.tlsCert,
                key: section.tlsKey,
                insecure: section.insecure
            )
            settings.idleTimeout = 30
            let policy = plan.policy
            let server = APIServer(
                store: try policy.openServing(ServingLimits(readers: section.readers)),
                vault: try policy.vault(),
                policy: try policy.resolvedPolicy(),
                billingDays: 0,
                receiver: desk.map(DeskReceiver.init),
                service: SourceReport(collector: collector).report
            )
            let scheme = section.tlsCert == nil ? "http" : "https"
            Task {
                do {
                    try await server.run(settings) { port in
                        serviceLog("listening on \(scheme)://\(section.host):\(port)/")
                    }
                } catch {
                    failure.withLock { $0 = "\(error)" }
                }
                done.signal()
            }
        } else {
            for number in [SIGTERM, SIGINT] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { done.signal() }
                source.resume()
                sources.append(source)
            }
        }
        done.wait()
        withExtendedLifetime(sources) {}
        if let message = failure.withLock({ $0 }) {
            collector.stop()
            throw CommandFailure(message)
        }
    }

    /// Writes the report of new alerts to the outbox and posts it to the webhook.
    private static func report(_ ids: [String], plan: ServicePlan) {
        do {
            let path = try plan.fraud.writeReport(
                db: plan.config.store.db,
                alertIDs: ids,
                homeCountry: plan.homeCountry,
                run: "service"
            )
            serviceLog("\(ids.count) fraud alerts; report: \(path ?? "-")")
        } catch {
            serviceLog("\(ids.count) fraud alerts stored, but the report could not be written: \(error)")
        }
    }

    /// What runs after every look at the folders: retention when due, and webhook retries when due (queued on
    /// `reports`, behind the reports being written).
    private func schedule(reports: DispatchQueue) -> @Sendable () -> Void {
        let config = plan.config
        let policy = plan.policy
        let fraud = plan.fraud
        let retainAt = config.schedule.retainAt.flatMap(DailyTime.init)
        let zone = config.schedule.timeZone
        let retryEvery = config.schedule.webhookRetrySeconds
        let lastRetry = Mutex(Date())
        let outbox = fraud.outbox ?? FraudOptions.defaultOutbox(db: config.store.db)
        return {
            if let retainAt {
                let last = (try? policy.openStore().counters().lastRetentionRun)?.map {
                    Date(timeIntervalSince1970: Double($0))
                }
                if retainAt.isDue(lastRun: last, now: Date(), in: zone) {
                    do {
                        let (report, erased) = try RetainCommand.retain(
                            options: policy,
                            asOf: Int64(Date().timeIntervalSince1970)
                        )
                        serviceLog(
                            "scheduled retention: " + report.text.split(separator: "\n").joined(separator: "; ")
                                + (erased > 0 ? "; \(erased) records erased after their billing window" : "")
                        )
                    } catch {
                        serviceLog("scheduled retention failed: \(error); tried again at the next look")
                    }
                }
            }
            let due = lastRetry.withLock { last in
                guard Date().timeIntervalSince(last) >= retryEvery else { return false }
                last = Date()
                return true
            }
            if due { reports.async { Self.retryWebhook(fraud, outbox: outbox, db: config.store.db) } }
        }
    }

    /// Delivers the reports still in the webhook spool, and audits what it did.
    private static func retryWebhook(_ fraud: FraudOptions, outbox: String, db: String) {
        guard let delivery = try? fraud.delivery(folder: outbox) else { return }
        let outcome = delivery.deliver()
        guard !outcome.delivered.isEmpty || !outcome.pending.isEmpty else { return }
        for name in outcome.delivered { serviceLog("delivered \(name)") }
        let detail =
            "delivered \(outcome.delivered.count), still pending \(outcome.pending.count)"
            + (outcome.pending.values.first.map { ": \($0)" } ?? "")
        _ = try? SQLiteStore(path: db).appendAudit(
            actor: "service",
            action: "webhook retry",
            outcome: outcome.pending.isEmpty ? "ok" : "failed",
            detail: detail
        )
    }

    /// The daily backup, when the config schedules one.
    private func backupJob() throws -> DailyJob? {
        let schedule = plan.config.schedule
        guard let at = schedule.backupAt.flatMap(DailyTime.init), let folder = schedule.backupTo else { return nil }
        let db = plan.config.store.db
        let keyDir = plan.config.store.keyDir ?? KeyVault.defaultDirectory(forDatabase: db)
        let shelf = try BackupShelf(directory: folder)
        let backupPlan = BackupScheduler.Plan(
            database: db,
            shelf: shelf,
            key: try BackupKey(path: keyDir + "/backup.key", create: true),
            offsite: schedule.offsite.map(OffsiteCopy.directory),
            keepDays: schedule.keepDays,
            hour: at.hour,
            minute: at.minute,
            timeZone: schedule.timeZone
        )
        return DailyJob(
            name: "backup",
            at: at,
            zone: schedule.timeZone,
            lastRun: {
                shelf.list().compactMap { $0.manifest?.createdAt }.max().map { Date(timeIntervalSince1970: Double($0)) }
            },
            run: { backupPlan.runOnce() },
            log: serviceLog
        )
    }
}
