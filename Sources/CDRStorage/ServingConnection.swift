/// One connection of what the server and the user commands need beyond subject requests: its users, the
/// file registry, the monitoring counters, and a version that moves when the data does. Synchronous: the
/// server reaches it only through ``ConnectionLane``'s threads.
public protocol ServingConnection: SubjectStore, AuditLog {
    /// The active user a bearer token belongs to, or nil.
    func user(token: String) throws -> UserRow?
    /// Adds a user with a new random token and returns the token (kept only as its hash).
    func addUser(name: String, role: String, at now: Int64) throws -> String
    /// Every user, oldest first.
    func users() throws -> [UserRow]
    /// Revokes a user's token; false when no active user has that name.
    func revokeUser(name: String, at now: Int64) throws -> Bool
    /// A page of the files registry, newest first.
    func files(offset: Int, limit: Int) throws -> [FileEntry]
    /// The store's monitoring counters.
    func counters() throws -> StoreCounters
    /// A number that changes whenever the stored data may have changed.
    func dataVersion() throws -> Int64
    /// Cuts short the statements of the work that follows once they run past `seconds` (nil: no limit).
    func limitTime(seconds: Double?) throws
    /// True when `error` is a statement cut short by that limit.
    func exceededTimeLimit(_ error: any Error) -> Bool
}
