import CDRAccess
import CDRSQLite
import CDRStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CDRServer

@Suite("Server hardening")
struct HardeningTests {
    @Test(
        "only real loopback addresses count as loopback",
        arguments: [
            ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("::1", true),
            ("127.evil.example", false), ("127.0.0.1.nip.io", false), ("127.0.0.256", false), ("10.0.0.1", false),
            ("0.0.0.0", false), ("127..0.1", false),
        ]
    )
    func loopback(host: String, expected: Bool) {
        #expect(ServerSettings.isLoopback(host) == expected)
    }

    @Test("the bearer scheme is case-insensitive (RFC 7235)")
    func bearerCase() async throws {
        let fixture = try APIFixture()
        try await fixture.app().test(.router) { client in
            for scheme in ["bearer", "BEARER", "Bearer"] {
                let headers: HTTPFields = [.authorization: "\(scheme) \(fixture.tokens[.operator]!)"]
                try await client.execute(uri: "/v1/files", method: .get, headers: headers) {
                    #expect($0.status == .ok, "\(scheme)")
                }
            }
        }
    }
}

@Suite("Refusals of personal data by token")
struct UnknownTokenTests {
    @Test("an unknown or revoked token asking for personal data is refused and audited, number pseudonymised")
    func unknownTokenAudited() async throws {
        let fixture = try APIFixture()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/v1/records?number=%2B447700900001",
                method: .get,
                headers: [.authorization: "Bearer cdr_0000000000000000000000000000000000000000000000000000000000000000"]
            ) {
                #expect($0.status == .unauthorized)
            }
        }
        let entry = try #require(try fixture.audit().last)
        #expect(entry.outcome == "unauthorized" && entry.actor == "(unknown or revoked token)")
        #expect(entry.action == "GET /v1/records" && !entry.subject.isEmpty)
        #expect(!"\(entry.subject)\(entry.detail)\(entry.action)".contains("7700900001"))
    }
}

@Suite("Request bodies")
struct BodyLimitTests {
    @Test("a body declared larger than 16 KiB is refused with 413 before authentication or reading")
    func tooLarge() async throws {
        let fixture = try APIFixture()
        try await fixture.app().test(.router) { client in
            let big = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
            try await client.execute(uri: "/v1/subjects/+447700900001/erase", method: .post, body: big) {
                #expect($0.status == .contentTooLarge)
            }
            let small = ByteBuffer(repeating: UInt8(ascii: "x"), count: 100)
            try await client.execute(uri: "/v1/subjects/+447700900001/erase", method: .post, body: small) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}
