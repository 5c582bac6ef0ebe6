import ArgumentParser
import CDRModel
import CDRPostgres
import CDRRetention
import CDRSQLite
import CDRStorage
import Foundation

/// Options naming the database, the retention policy and the key directory, shared by `retain`,
/// `hold` and `aggregates`.
struct PolicyOptions: ParsableArguments {
    @Option(help: "The SQLite database file, or postgres://user@host[:port]/dbname (default: $CDRPIPE_DB).")
    var db: String = ProcessInfo.processInfo.environment["CDRPIPE_DB"] ?? ""

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

    @Option(
        name: .customLong("key-dir"),
        help: "Directory of period and audit keys (default: <db>.keys; required with PostgreSQL)."
    )
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

    func validate() throws {
        guard !db.isEmpty else { throw ValidationError("--db is required (or set CDRPIPE_DB)") }
        if try StoreLocation(db).isPostgres && keyDir == nil {
            throw ValidationError("--key-dir is required with a PostgreSQL database (keys never live in it)")
        }
    }

    /// Opens the existing SQLite database (commands not yet offered on PostgreSQL say so).
    func openSQLiteStore() throws -> SQLiteStore {
        if try StoreLocation(db).isPostgres {
            throw CommandFailure(
                "this command runs on the SQLite store only; on PostgreSQL use the server's own backup tools",
                code: 2
            )
        }
        guard FileManager.default.fileExists(atPath: db) else { throw CommandFailure("no database at \(db)", code: 2) }
        do { return try SQLiteStore(path: db, keyDirectory: keyDir) } catch { throw CommandFailure(error.description) }
    }

    /// Opens the existing database, SQLite or PostgreSQL.
    func openStore() throws -> any AnyStore {
        try StoreLocation(db).open(keyDirectory: keyDir, mustExist: true)
    }

    /// Opens the database as the HTTP server reaches it.
    func openServing(_ limits: ServingLimits) throws -> any ServingStore {
        try StoreLocation(db).serving(limits: limits, keyDirectory: keyDir)
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
