import ArgumentParser
import CDRBackup
import CDRModel
import CDRRetention
import CDRStorage
import Foundation

/// `cdrpipe audit`: read and verify the tamper-evident audit log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the audit log or verify its hash chain.",
        subcommands: [Verify.self, List.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every entry's hash and link; exit 1 naming the first broken entry."
        )

        @OptionGroup var database: UsersCommand.Database
        @Option(help: "A backup folder: each backup's manifest anchors the log's last entry when it was taken.")
        var backups: String?
        @Option(help: "The backup key (default: backup.key in the database's key folder).") var key: String?

        func run() throws {
            let result: AuditVerification
            let store: any ServingConnection
            do {
                store = try database.open(mustExist: true)
                result = try store.verifyAudit()
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure("\(error)")
            }
            guard case .intact(let entries) = result else {
                if case .broken(let id, let reason) = result {
                    throw CommandFailure("audit log broken at entry \(id): \(reason)")
                }
                return
            }
            guard let backups else {
                print("audit log intact: \(entries) entries, every hash and link checks")
                return
            }
            do {
                let shelf = try BackupShelf(directory: backups, create: false)
                let keyPath = key ?? KeyVault.defaultDirectory(forDatabase: database.db) + "/backup.key"
                let (anchors, problems) = try AuditAnchors.check(
                    store,
                    shelf: shelf,
                    key: try BackupKey(path: keyPath, create: false)
                )
                if let first = problems.first {
                    throw CommandFailure(
                        "audit log broken: \(first)" + (problems.count > 1 ? " (and \(problems.count - 1) more)" : "")
                    )
                }
                print(
                    "audit log intact: \(entries) entries, every hash and link checks, anchored by \(anchors) backups"
                )
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure("\(error)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print audit entries, oldest first.")

        @OptionGroup var database: UsersCommand.Database

        @Option(help: "Only entries with an id above this.")
        var after: Int64 = 0

        @Option(help: "At most this many entries (1–10000).")
        var limit: Int = 100

        @Flag(help: "JSON lines output.") var json = false

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1–10000") }
        }

        func run() throws {
            let entries: [AuditEntry]
            do {
                entries = try database.open(mustExist: true).auditEntries(after: after, limit: limit)
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure("\(error)")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            for entry in entries {
                if json {
                    print(String(decoding: try encoder.encode(entry), as: UTF8.self))
                } else {
                    let fields = [
                        String(entry.id), CivilTime.iso8601(entry.at), entry.actor, entry.action, entry.subject,
                        entry.outcome, entry.detail,
                    ]
                    print(fields.joined(separator: "  "))
                }
            }
        }
    }
}
