import CDRAccess
import CDRRetention
import CDRStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CDRServer

@Suite("HTTP API")
struct APIServerTests {
    /// A store with one user per role; returns the database path and each role's token.
    static func fixture() throws -> (path: String, tokens: [Role: String]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("cdr.db").path
        let store = try SQLiteStore(path: path)
        var tokens: [Role: String] = [:]
        for role in Role.allCases { tokens[role] = try store.addUser(name: role.rawValue, role: role.rawValue, at: 0) }
        return (path, tokens)
    }

    static func app(_ path: String) throws -> some ApplicationProtocol {
        let server = APIServer(store: try SQLiteStore(path: path), policy: RetentionPolicy())
        return Application(router: server.router())
    }

    @Test("aggregates: analysts only; no token is 401, another role 403", arguments: Role.allCases)
    func aggregatesByRole(role: Role) async throws {
        let (path, tokens) = try Self.fixture()
        try await Self.app(path).test(.router) { client in
            let uri = "/v1/aggregates?from=2026-01-01&to=2026-01-31&by=day"
            try await client.execute(uri: uri, method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(tokens[role]!)"]) {
                #expect($0.status == (role == .analyst ? .ok : .forbidden))
            }
        }
    }

    @Test("bad parameters get 400 with the parameter named")
    func badParameters() async throws {
        let (path, tokens) = try Self.fixture()
        let auth: HTTPFields = [.authorization: "Bearer \(tokens[.analyst]!)"]
        try await Self.app(path).test(.router) { client in
            try await client.execute(uri: "/v1/aggregates?from=2026-13-01&to=2026-01-31", method: .get, headers: auth) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains("from"))
            }
            try await client.execute(
                uri: "/v1/aggregates?from=2026-01-01&to=2026-01-31&by=calling",
                method: .get,
                headers: auth
            ) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains("calling"))
            }
            try await client.execute(uri: "/v1/aggregates?from=2026-01-01&to=2026-01-31", method: .get, headers: auth) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body) == "[]")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("a revoked token is refused")
    func revoked() async throws {
        let (path, tokens) = try Self.fixture()
        #expect(try SQLiteStore(path: path).revokeUser(name: "analyst", at: 1))
        try await Self.app(path).test(.router) { client in
            try await client.execute(
                uri: "/v1/aggregates?from=2026-01-01&to=2026-01-31",
                method: .get,
                headers: [.authorization: "Bearer \(tokens[.analyst]!)"]
            ) { #expect($0.status == .unauthorized) }
        }
    }
}
