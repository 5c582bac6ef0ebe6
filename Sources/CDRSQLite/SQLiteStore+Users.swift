import CDRStorage
import Crypto
import Foundation

extension SQLiteStore {
    /// Adds a user with a new random token and returns the token (shown once, stored only as its hash).
    public func addUser(name: String, role: String, at now: Int64) throws(StoreError) -> String {
        let token = UserRow.newToken()
        let statement = try connection.prepare(
            "INSERT INTO users(name, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)"
        )
        statement.bind(1, name)
        statement.bind(2, role)
        UserRow.tokenHash(token).withUnsafeBytes { statement.bind(3, blob: $0) }
        statement.bind(4, now)
        _ = try statement.step()
        return token
    }

    /// Every user, oldest first.
    public func users() throws(StoreError) -> [UserRow] {
        let statement = try connection.prepare(
            "SELECT id, name, role, created_at, revoked_at FROM users ORDER BY id"
        )
        var rows: [UserRow] = []
        while try statement.step() {
            rows.append(
                UserRow(
                    id: statement.int(0),
                    name: statement.text(1),
                    role: statement.text(2),
                    createdAt: statement.int(3),
                    revokedAt: statement.optionalInt(4)
                )
            )
        }
        return rows
    }

    /// Revokes a user's token; false when no active user has that name.
    public func revokeUser(name: String, at now: Int64) throws(StoreError) -> Bool {
        let statement = try connection.prepare(
            "UPDATE users SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL"
        )
        statement.bind(1, name)
        statement.bind(2, now)
        _ = try statement.step()
        return connection.changes > 0
    }

    /// The active user a bearer token belongs to, or nil.
    public func user(token: String) throws(StoreError) -> UserRow? {
        let statement = try connection.prepare(
            "SELECT id, name, role, created_at, revoked_at FROM users WHERE token_hash = ?1 AND revoked_at IS NULL"
        )
        UserRow.tokenHash(token).withUnsafeBytes { statement.bind(1, blob: $0) }
        guard try statement.step() else { return nil }
        return UserRow(
            id: statement.int(0),
            name: statement.text(1),
            role: statement.text(2),
            createdAt: statement.int(3),
            revokedAt: statement.optionalInt(4)
        )
    }
}
