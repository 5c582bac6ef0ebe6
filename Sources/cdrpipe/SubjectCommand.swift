import ArgumentParser
import CDRRetention
import CDRStorage
import CDRSubjects
import Foundation

/// `cdrpipe subject`: data-subject requests for one number (export, erasure), both audited.
struct SubjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject",
        abstract: "Data-subject requests: export or erase the full records of one number (audited).",
        subcommands: [Export.self, Erase.self]
    )

    /// The database, policy and number a request concerns.
    struct Subject: ParsableArguments {
        @OptionGroup var options: PolicyOptions

        @Option(help: "The number, in E.164 (+447911123456) or as dialled under --home-country.")
        var number: String

        /// A desk acting for the person at the terminal.
        func desk(billingDays: Int64 = 0) throws -> SubjectDesk {
            SubjectDesk(
                store: try options.openStore(),
                vault: try options.vault(),
                actor: PolicyOptions.actor,
                homeCountryCode: try options.resolvedPolicy().homeCountryCode,
                billingDays: billingDays
            )
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export every full record, alert and hold concerning a number (JSON, or CSV files)."
        )

        @OptionGroup var subject: Subject

        @Option(help: "json (one document on stdout or in --out) or csv (records.csv, alerts.csv, holds.csv in --out).")
        var format: String = "json"

        @Option(help: "Write here instead of stdout (a file for json, a directory for csv).")
        var out: String?

        func validate() throws {
            guard ["json", "csv"].contains(format) else { throw ValidationError("--format must be json or csv") }
            if format == "csv" && out == nil { throw ValidationError("--format csv needs --out DIR") }
        }

        func run() throws {
            let desk = try subject.desk()
            let report: SubjectReport
            do { report = try desk.export(subject.number) } catch { throw CommandFailure(error.description) }
            if format == "json" {
                if let out {
                    try write(report.json() + "\n", to: out)
                } else {
                    print(report.json())
                }
            } else if let out {
                try FileManager.default.createDirectory(
                    atPath: out,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
                for file in report.csvFiles() { try write(file.text, to: out + "/" + file.name) }
            }
            let summary =
                "exported \(report.records.count) records, \(report.alerts.count) alerts, \(report.holds.count) holds"
            FileHandle.standardError.write(Data((summary + (out.map { " to \($0)" } ?? "") + "\n").utf8))
        }

        /// Writes a file readable by the owner only: it holds personal data.
        private func write(_ text: String, to path: String) throws {
            guard
                FileManager.default.createFile(
                    atPath: path,
                    contents: Data(text.utf8),
                    attributes: [.posixPermissions: 0o600]
                )
            else { throw CommandFailure("cannot write \(path)") }
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a number's full records, except those a hold, a fraud alert or billing must keep."
        )

        @OptionGroup var subject: Subject

        @Option(
            name: .customLong("billing-days"),
            help: "Days after a call during which its bill can be challenged; such records are kept (default 0)."
        )
        var billingDays: Int64 = 0

        @Flag(name: .customLong("dry-run"), help: "Report what would be erased and kept; change nothing.")
        var dryRun = false

        func validate() throws {
            guard (0...3650).contains(billingDays) else { throw ValidationError("--billing-days must be 0–3650") }
        }

        func run() throws {
            let desk = try subject.desk(billingDays: billingDays)
            do { print(try desk.erase(subject.number, dryRun: dryRun).summary) } catch {
                throw CommandFailure(error.description)
            }
        }
    }
}
