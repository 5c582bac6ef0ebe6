import CDRStorage

/// Users looked up by token, kept while the store's data version is unchanged (a new user or a revocation
/// commits, and so moves it), so the many requests of one client do not each take a database connection.
/// Bounded; emptied whenever the version moves.
struct TokenCache: Sendable {
    /// A cached answer: the user, or nil for an unknown or revoked token.
    struct Hit: Sendable {
        var user: UserRow?
    }

    private var entries: [String: Hit] = [:]
    private var version: Int64 = -1
    /// Most tokens kept.
    let capacity: Int

    /// Creates an empty cache of at most `capacity` tokens.
    init(capacity: Int = 4096) { self.capacity = capacity }

    /// The answer for `token`, if it was looked up at data version `current`.
    mutating func lookup(_ token: String, version current: Int64) -> Hit? {
        if current != version {
            entries.removeAll()
            version = current
        }
        return entries[token]
    }

    /// Keeps the answer for `token` looked up at data version `current`.
    mutating func store(_ token: String, user: UserRow?, version current: Int64) {
        guard current == version else { return }
        if entries.count >= capacity { entries.removeAll() }
        entries[token] = Hit(user: user)
    }
}
