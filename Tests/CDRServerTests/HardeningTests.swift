import CDRAccess
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
