import CDRModel
import CDRSQLite
import CDRStorage
import Foundation

/// Daily backups inside a long-running process: at a local wall-clock time each day, create a backup,
/// copy it off-site, prune the shelf, and audit the outcome. Runs on its own thread so a long snapshot
/// never holds up request handling.
public final class BackupScheduler: Sendable {
    /// What to back up and where.
    public struct Plan: Sendable {
        /// The database file.
        public var database: String
        /// The local shelf.
        public var shelf: BackupShelf
        /// The sealing key.
        public var key: BackupKey
        /// The off-site copy, if any.
        public var offsite: OffsiteCopy?
        /// Days kept.
        public var keepDays: Int
        /// Local hour and minute of the daily run.
        public var hour: Int
        /// Minute of the hour.
        public var minute: Int
        /// The wall clock's time zone.
        public var timeZone: TimeZone

        /// Creates a plan.
        public init(
            database: String,
            shelf: BackupShelf,
            key: BackupKey,
            offsite: OffsiteCopy?,
            keepDays: Int,
            hour: Int,
            minute: Int,
            timeZone: TimeZone = .current
        ) {
            self.database = database
            self.shelf = shelf
            self.key = key
            self.offsite = offsite
            self.keepDays = keepDays
            self.hour = hour
            self.minute = minute
            self.timeZone = timeZone
        }

        /// The first run strictly after `now`, at the plan's local time (the next valid time on a day
        /// that skips it, such as a spring-forward gap).
        public func nextRun(after now: Date) -> Date {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            return calendar.nextDate(
                after: now,
                matching: DateComponents(hour: hour, minute: minute, second: 0),
                matchingPolicy: .nextTime
            ) ?? now.addingTimeInterval(86_400)
        }

        /// One scheduled run: create, copy off-site, prune; returns a line for the log. Audited.
        public func runOnce() -> String {
            let line: String
            var outcome = "ok"
            do {
                let manifest = try shelf.create(database: database, key: key)
                try offsite?.send(manifest, from: shelf)
                let good: (BackupShelf.Entry) -> Bool = { [shelf, key] in shelf.health($0, key: key) == .good }
                var removed = try shelf.prune(keepDays: keepDays, now: SQLiteStore.now(), isGood: good)
                if case .directory(let folder) = offsite {
                    let remote = try BackupShelf(directory: folder, create: false)
                    removed += try remote.prune(keepDays: keepDays, now: SQLiteStore.now()) { entry in
                        remote.health(entry, key: key) == .good
                    }
                }
                line =
                    "scheduled backup \(manifest.payload): \(manifest.records) records"
                    + (offsite == nil ? "" : ", off-site copy checked") + "; pruned \(removed.count)"
            } catch {
                outcome = "failed"
                line = "scheduled backup failed: \(error)"
            }
            _ = try? SQLiteStore(path: database).appendAudit(
                actor: "scheduler",
                action: "backup create",
                outcome: outcome,
                detail: line
            )
            return line
        }
    }

    private let plan: Plan

    /// Starts the daily thread; `log` receives one line per run.
    public init(plan: Plan, log: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        let thread = Thread { [plan] in
            while true {
                let next = plan.nextRun(after: Date())
                log("next backup at \(CivilTime.iso8601(Int64(next.timeIntervalSince1970))) (UTC)")
                while Date() < next { Thread.sleep(until: min(next, Date().addingTimeInterval(60))) }
                log(plan.runOnce())
            }
        }
        thread.name = "cdrpipe-backup"
        thread.start()
    }
}
