import ArgumentParser
import CDRModel
import CDRRetention
import CDRStorage
import CDRSubjects
import Foundation

/// `cdrpipe retain`: apply the retention policy now (or as of a given time).
struct RetainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retain",
        abstract:
            "Roll up full records past their limit into anonymised aggregates, delete them, expire old aggregates."
    )

    @OptionGroup var options: PolicyOptions

    @Option(name: .customLong("as-of"), help: "Run as if the clock read this (ISO 8601, UTC). Default: now.")
    var asOf: String?

    @Flag(name: .customLong("dry-run"), help: "Report what would be done; change nothing.")
    var dryRun = false

    @Flag(help: "JSON output.")
    var json = false

    func run() throws {
        let clock = try parseDate(asOf, option: "--as-of") ?? Int64(Date().timeIntervalSince1970)
        let terminal = ProgressBar.isTerminal && !json
        var lastDraw = Date.distantPast
        let (report, billingErased): (RetentionReport, Int64)
        do {
            (report, billingErased) = try Self.retain(options: options, asOf: clock, dryRun: dryRun) { day in
                guard terminal, Date().timeIntervalSince(lastDraw) >= 0.2 else { return }
                lastDraw = Date()
                FileHandle.standardError.write(Data("\r\u{1B}[Kretain: rolled up through \(day)".utf8))
            }
        } catch {
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            throw error
        }
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
            if billingErased > 0 {
                print("\(billingErased) records kept for a billing window after an erasure were erased")
            }
        }
    }
}

extension RetainCommand {
    /// One retention run as of `clock`: roll up and drop what the policy says, then erase the records whose
    /// billing window after an erasure has passed. Returns the report and how many records that erased.
    /// Shared with `run`'s daily schedule.
    static func retain(
        options: PolicyOptions,
        asOf clock: Int64,
        dryRun: Bool = false,
        progress: (UTCDay) -> Void = { _ in }
    ) throws -> (RetentionReport, Int64) {
        let policy = try options.resolvedPolicy()
        let store = try options.openStore()
        let vault = try options.vault(readOnly: dryRun)
        let lock = dryRun ? nil : try RetentionLock(vault: vault)
        defer { withExtendedLifetime(lock) {} }
        let previousRun = try? store.counters().lastRetentionRun
        let report: RetentionReport
        do {
            report = try Retainer(store: store, policy: policy, vault: vault, actor: PolicyOptions.actor)
                .run(asOf: clock, dryRun: dryRun, progress: progress)
        } catch {
            throw CommandFailure(error.description)
        }
        guard !dryRun else { return (report, 0) }
        let desk = SubjectDesk(
            store: store,
            vault: vault,
            actor: PolicyOptions.actor,
            homeCountryCode: policy.homeCountryCode
        )
        do {
            let erased = try ErasureLedger(vault: vault).eraseAfterBillingWindows(
                with: desk,
                vault: vault,
                store: store,
                since: previousRun,
                now: clock
            )
            return (report, erased)
        } catch {
            throw CommandFailure("retention done, but erasing records whose billing window passed failed: \(error)")
        }
    }
}
