import CDRPostgres
import CDRSQLite
import CDRStorage
import Foundation

/// Every protocol a command may need of a store.
typealias AnyStore = ServingConnection & RetentionStore & DetectionStore

/// Where the data lives, told from `--db` in this one place: a `postgres://` URL is a PostgreSQL database,
/// anything else a SQLite file. The only code that opens a concrete store.
enum StoreLocation {
    /// The embedded store's file.
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(PostgresLocation)

    /// Reads `--db`; a malformed PostgreSQL URL is an error naming the problem.
    init(_ db: String) throws {
        if PostgresLocation.isURL(db) {
            do { self = .postgres(try PostgresLocation(url: db)) } catch {
                throw CommandFailure(error.description, code: 2)
            }
        } else {
            self = .sqlite(path: db)
        }
    }

    /// True for PostgreSQL.
    var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// Opens the store, its audit chain key in `keyDirectory` (SQLite's default: `<db>.keys`). With
    /// `mustExist`, a SQLite file that is not there is a usage error and nothing is created.
    func open(keyDirectory: String?, mustExist: Bool = false) throws -> any AnyStore {
        switch self {
        case .sqlite(let path):
            if mustExist, !FileManager.default.fileExists(atPath: path) {
                throw CommandFailure("no database at \(path)", code: 2)
            }
            do { return try SQLiteStore(path: path, keyDirectory: keyDirectory) } catch {
                throw CommandFailure(error.description, code: error.isIO ? ExitStatus.ioError : 1)
            }
        case .postgres(let location):
            do {
                let store = try PostgresStore(location)
                store.auditKeyDirectory = keyDirectory
                return store
            } catch {
                throw CommandFailure(error.description)
            }
        }
    }

    /// The store as the HTTP server reaches it: SQLite's connections on threads of their own, or a
    /// PostgreSQL client pool with blocking sessions for the work that needs them.
    func serving(limits: ServingLimits, keyDirectory: String?) throws -> any ServingStore {
        switch self {
        case .sqlite:
            return try ThreadedServingStore(limits: limits) { try open(keyDirectory: keyDirectory, mustExist: true) }
        case .postgres(let location):
            do {
                return try PostgresServingStore(location, limits: limits, keyDirectory: keyDirectory)
            } catch {
                throw CommandFailure("\(error)")
            }
        }
    }
}
