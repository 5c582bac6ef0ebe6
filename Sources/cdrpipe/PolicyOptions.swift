import ArgumentParser
import CDRModel
import CDRRetention
import CDRStore
import Foundation

/// Options naming the database, the retention policy and the key directory, shared by `retain`,
/// `hold` and `aggregates`.
struct PolicyOptions: ParsableArguments {
    @Option(help: "The SQLite database file.")
    var db: String

    @Option(help: "Retention policy file (JSON); flags below override it.")
    var policy: String?

    @Option(name: .customLong("full-months"), help: "Months full records are kept (default 6).")
    var fullMonths: Int?

    @Option(name: .customLong("aggregate-years"), help: "Years aggregates are kept (default 6).")
    var aggregateYears: Int?

    @Option(
        name: .customLong("small-cell-k"),
        help: "Fewest distinct callers a published cell may describe (default 10)."
    )
    var smallCellK: Int?

    @Option(name: .customLong("home-country"), help: "Home country calling code (default 44).")
    var homeCountry: String?

    @Option(name: .customLong("key-dir"), help: "Directory of period and audit keys (default: <db>.keys).")
    var keyDir: String?

    /// The effective policy: the file's, then the flags'.
    func resolvedPolicy() throws -> RetentionPolicy {
        var result =
            try policy.map { path throws(RetentionError) in try RetentionPolicy.load(path: path) } ?? RetentionPolicy()
        if let fullMonths { result.fullRecordMonths = fullMonths }
        if let aggregateYears { result.aggregateYears = aggregateYears }
        if let smallCellK { result.smallCellK = smallCellK }
        if let homeCountry { result.homeCountryCode = homeCountry }
        do { try result.validate() } catch { throw ValidationError(error.description) }
        return result
    }

    /// Opens the existing database.
    func openStore() throws -> SQLiteStore {
        guard FileManager.default.fileExists(atPath: db) else { throw CommandFailure("no database at \(db)", code: 2) }
        do { return try SQLiteStore(path: db) } catch { throw CommandFailure(error.description) }
    }

    /// Opens the key directory.
    func vault(readOnly: Bool = false) throws -> KeyVault {
        do {
            return try KeyVault(directory: keyDir ?? KeyVault.defaultDirectory(forDatabase: db), readOnly: readOnly)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    /// Who is acting, for the audit log.
    static var actor: String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return "cli:" + String(cString: name) }
        return "cli:uid\(getuid())"
    }
}

/// Parses a `--from`/`--to` style date option; `to` dates without a time mean the whole day.
func parseDate(_ text: String?, option: String, endOfDay: Bool = false) throws -> Int64? {
    guard let text else { return nil }
    guard let epoch = CivilTime.parseISO(text) else {
        throw ValidationError("\(option) \(text) is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])")
    }
    return endOfDay && text.count == 10 ? epoch + 86_399 : epoch
}
