import ArgumentParser
import CDRModel
import CDRStore
import CDRSubjects
import Foundation

/// `cdrpipe records`: the stored records of one number.
struct RecordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "List the stored records in which a number is A, B or C party."
    )

    @Option(help: "The SQLite database file.")
    var db: String

    @Option(help: "The number, in E.164 (+447911123456) or as dialled under --home-country.")
    var number: String

    @Option(help: "From (YYYY-MM-DD or ISO 8601, UTC).")
    var from: String?

    @Option(help: "To (inclusive; YYYY-MM-DD means the whole day).")
    var to: String?

    @Option(name: .customLong("home-country"), help: "Home country code for a nationally written --number.")
    var homeCountry: String = "44"

    @Flag(help: "JSON output.") var json = false
    @Flag(help: "CSV output.") var csv = false

    func validate() throws {
        if let from, CivilTime.parseISO(from) == nil { throw ValidationError("--from \(from) is not a date") }
        if let to, CivilTime.parseISO(to) == nil { throw ValidationError("--to \(to) is not a date") }
        if json && csv { throw ValidationError("choose one of --json and --csv") }
    }

    func run() throws {
        let normalised: String
        do {
            normalised = try NumberNormaliser(plan: .forCountry(homeCountry)).normalise(number).number
        } catch {
            throw ValidationError("--number: \(error.description)")
        }
        guard FileManager.default.fileExists(atPath: db) else { throw CommandFailure("no database at \(db)", code: 2) }
        let toEpoch = to.map { t in CivilTime.parseISO(t)! + (t.count == 10 ? 86_399 : 0) }
        let rows: [StoredRecord]
        do {
            rows = try SQLiteStore(path: db).records(
                number: normalised,
                from: from.flatMap(CivilTime.parseISO),
                to: toEpoch
            )
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
