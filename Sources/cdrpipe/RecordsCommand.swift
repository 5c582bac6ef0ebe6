import ArgumentParser
import CDRModel
import CDRRetention
import CDRStorage
import CDRSubjects
import Foundation

/// `cdrpipe records`: the stored records of one number.
struct RecordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "List the stored records in which a number is A, B or C party (audited)."
    )

    @OptionGroup var options: PolicyOptions

    @Option(help: "The number, in E.164 (+447911123456) or as dialled under --home-country.")
    var number: String

    @Option(help: "From (YYYY-MM-DD or ISO 8601, UTC).")
    var from: String?

    @Option(help: "To (inclusive; YYYY-MM-DD means the whole day).")
    var to: String?

    @Flag(help: "JSON output.") var json = false
    @Flag(help: "CSV output.") var csv = false

    func validate() throws {
        if let from, CivilTime.parseISO(from) == nil { throw ValidationError("--from \(from) is not a date") }
        if let to, CivilTime.parseISO(to) == nil { throw ValidationError("--to \(to) is not a date") }
        if json && csv { throw ValidationError("choose one of --json and --csv") }
    }

    func run() throws {
        let desk = SubjectDesk(
            store: try options.openStore(),
            vault: try options.vault(),
            actor: PolicyOptions.actor,
            homeCountryCode: try options.resolvedPolicy().homeCountryCode
        )
        let toEpoch = to.map { t in CivilTime.parseISO(t)! + (t.count == 10 ? 86_399 : 0) }
        let rows: [StoredRecord]
        do {
            rows = try desk.records(number, from: from.flatMap(CivilTime.parseISO), to: toEpoch)
        } catch .number(let text, let problem) {
            throw ValidationError("--number: \(SubjectError.number(text, problem).description)")
        } catch {
            throw CommandFailure(error.description)
        }
        if json {
            print(RecordExport.json(rows))
        } else if csv {
            print(RecordExport.csv(rows), terminator: "")
        } else {
            print(RecordExport.table(rows))
        }
    }
}
