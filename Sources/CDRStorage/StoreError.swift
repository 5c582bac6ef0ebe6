/// A database failure, with SQLite's code and message and what cdrpipe was doing. Bound values (phone
/// numbers) are never included.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// SQLite's primary result code (or -1 for a cdrpipe-level fault).
    public var code: Int32
    /// SQLite's message, or cdrpipe's.
    public var message: String
    /// What was being done, e.g. `opening /data/cdr.db` or the SQL statement.
    public var context: String

    /// Creates an error.
    public init(code: Int32, message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// True when the operating system failed SQLite (disk full, I/O error, cannot open, read-only, permission),
    /// not the data or the SQL.
    public var isIO: Bool { [3, 8, 10, 13, 14].contains(code & 0xFF) }

    /// True when the statement was cut short by the connection's time limit.
    public var isInterrupted: Bool { code & 0xFF == 9 }

    /// `database error 19 (…) while …`.
    public var description: String { "database error \(code): \(message) — while \(context)" }
}

extension StoreError {
    /// Runs `body`, passing a store error through and turning any other into a cdrpipe-level one.
    public static func wrapping<T>(_ context: String, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: -1, message: "\(error)", context: context)
        }
    }
}
