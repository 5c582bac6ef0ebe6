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

    /// `database error 19 (…) while …`.
    public var description: String { "database error \(code): \(message) — while \(context)" }
}
