import Crypto
import Foundation

/// Who may call the HTTP API and with what role; tokens are kept only as SHA-256 hashes.
public struct UserRow: Sendable, Equatable {
    /// The row id.
    public var id: Int64
    /// The user's unique name.
    public var name: String
    /// The role name (`operator`, `analyst`, `fraud`, `admin`, `auditor`).
    public var role: String
    /// When the user was added (epoch seconds).
    public var createdAt: Int64
    /// When the token was revoked, if it was.
    public var revokedAt: Int64?

    /// Creates a row.
    public init(id: Int64, name: String, role: String, createdAt: Int64, revokedAt: Int64?) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

extension SQLiteStore {
    /// The SHA-256 of an API token: what the store keeps instead of the token.
    public static func tokenHash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }

    /// Adds a user with a new random token and returns the token (shown once, stored only as its hash).
    public func addUser(name: String, role: String, at now: Int64) throws(StoreError) -> String {
        let token = UserRow.newToken()
        let statement = try connection.prepare(
            "INSERT INTO users(name, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)"
        )
        statement.bind(1, name)
        statement.bind(2, role)
        Self.tokenHash(token).withUnsafeBytes { statement.bind(3, blob: $0) }
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
        Self.tokenHash(token).withUnsafeBytes { statement.bind(1, blob: $0) }
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
