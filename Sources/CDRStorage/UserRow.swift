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

    /// The SHA-256 of an API token: what a store keeps instead of the token.
    public static func tokenHash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }
}

extension UserRow {
    /// A new random API token (`cdr_` and 64 hex digits).
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return "cdr_"
            + (0..<32).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }
            .map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    }
}
