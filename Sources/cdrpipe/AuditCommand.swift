import ArgumentParser
import CDRModel
import CDRStore
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

        func run() throws {
            let result: AuditVerification
            do {
                result = try database.open(mustExist: true).verifyAudit()
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure("\(error)")
            }
            switch result {
            case .intact(let entries): print("audit log intact: \(entries) entries, every hash and link checks")
            case .broken(let id, let reason): throw CommandFailure("audit log broken at entry \(id): \(reason)")
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
