import CDRAccess
import CDRModel
import CDRRetention
import CDRSQLite
import CDRStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CDRServer

/// A database with one user per role, a few calls of one subscriber, an alert and a hold.
struct APIFixture {
    static let alice = "+447700900001"
    static let bob = "+447700900002"
    let path: String
    let tokens: [Role: String]

    init() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("cdr.db").path
        let store = try SQLiteStore(path: path)
        var tokens: [Role: String] = [:]
        for role in Role.allCases { tokens[role] = try store.addUser(name: role.rawValue, role: role.rawValue, at: 0) }
        self.tokens = tokens
        let file = try store.beginFile(
            path: "api.csv",
            size: 1,
            headSHA256: [UInt8](repeating: 0, count: 32),
            sha256: nil,
            dialect: "test"
        )
        let start = CivilTime.parseISO("2026-01-10T09:00:00Z")!
        for index in 0..<5 {
            let record = CallRecord(
                calling: index < 3 ? Self.bob : Self.alice,
                dialled: index < 3 ? Self.alice : "+33612345678",
                start: start + Int64(index) * 3600,
                answer: start + Int64(index) * 3600 + 5,
                end: start + Int64(index) * 3600 + 65,
                duration: 65,
                billable: 60,
                disposition: .answered,
                carrier: "CARR"
            )
            _ = try store.insert(record, key: RecordKey(high: UInt64(index), low: 9), fileID: file)
        }
        try store.finishFile(
            id: file,
            sha256: [UInt8](repeating: 2, count: 32),
            size: 1,
            offset: 1,
            line: 5,
            counts: LoadCounts(stored: 5)
        )
        try store.insertAlert(
            AlertRow(
                id: "irsf-1",
                detector: "irsf-burst",
                rule: "irsf-burst",
                severity: "critical",
                subject: Self.alice,
                windowStart: start,
                firstEvent: start,
                lastEvent: start + 7200,
                measuresJSON: "{\"calls\":2}",
                evidence: [4],
                summary: "burst",
                fileID: file
            )
        )
        _ = try store.addHold(number: Self.bob, from: nil, to: nil, caseRef: "D-1", reason: "dispute", by: "admin")
    }

    func app(readers: Int = 3, maxWaiting: Int = 64) throws -> some ApplicationProtocol {
        let path = path
        let server = APIServer(
            store: try ThreadedServingStore(limits: ServingLimits(readers: readers, maxWaiting: maxWaiting)) {
                try SQLiteStore(path: path)
            },
            vault: try KeyVault(directory: path + ".keys"),
            policy: RetentionPolicy(),
            receiver: AcceptingReceiver()
        )
        return Application(router: server.router())
    }

    func auth(_ role: Role) -> HTTPFields { [.authorization: "Bearer \(tokens[role]!)"] }

    func audit() throws -> [AuditEntry] { try SQLiteStore(path: path).auditEntries() }
}

@Suite("HTTP API")
struct APIServerTests {
    /// Every endpoint, with the resource that governs it.
    static let endpoints: [(method: HTTPRequest.Method, uri: String, resource: Resource)] = [
        (.get, "/metrics", .metrics),
        (.get, "/v1/aggregates?from=2026-01-01&to=2026-01-31&by=day", .aggregates),
        (.get, "/v1/kpis?from=2026-01-01&to=2026-01-31", .kpis),
        (.get, "/v1/alerts", .alerts),
        (.get, "/v1/cases/1", .cases),
        (.get, "/v1/records?number=%2B447700900001", .records),
        (.get, "/v1/trace?victim=%2B447700900001", .trace),
        (.get, "/v1/files", .files),
        (.get, "/v1/holds", .holds),
        (.get, "/v1/audit", .audit),
        (.get, "/v1/subjects/+447700900001/export", .subjectExport),
        (.post, "/v1/subjects/+447700900001/erase?dry_run=true", .subjectErase),
        (.post, "/v1/cdrs", .push),
    ]

    @Test("the whole role × endpoint matrix: allowed is 200, refused is 403, no token is 401")
    func matrix() async throws {
        let fixture = try APIFixture()
        try await fixture.app().test(.router) { client in
            for endpoint in Self.endpoints {
                try await client.execute(uri: endpoint.uri, method: endpoint.method) { response in
                    #expect(response.status == .unauthorized, "\(endpoint.uri) without a token")
                }
                for role in Role.allCases {
                    try await client.execute(uri: endpoint.uri, method: endpoint.method, headers: fixture.auth(role)) {
                        let expected: HTTPResponse.Status = role.may(endpoint.resource) ? .ok : .forbidden
                        #expect($0.status == expected, "\(role) \(endpoint.uri): \(String(buffer: $0.body))")
                    }
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/v1/subjects/+447700900001/erase",
                method: .get,
                headers: fixture.auth(.admin)
            ) {
                #expect($0.status == .methodNotAllowed)
                #expect($0.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/v1/alerts", method: .delete, headers: fixture.auth(.fraud)) {
                #expect($0.status == .methodNotAllowed)
            }
            try await client.execute(uri: "/v1/nothing", method: .get, headers: fixture.auth(.fraud)) {
                #expect($0.status == .notFound)
            }
        }
        #expect(Set(Self.endpoints.map(\.resource)).count == Self.endpoints.count)
        let patterns = MethodCheckMiddleware<BasicRequestContext>.routes.map { $0.pattern.joined(separator: "/") }
        #expect(patterns.count == Self.endpoints.count + 2)
    }

    @Test("reads of personal data are audited with the number pseudonymised; refusals too")
    func auditedReads() async throws {
        let fixture = try APIFixture()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/v1/records?number=%2B447700900001&format=csv",
                method: .get,
                headers: fixture.auth(.fraud)
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).split(separator: "\n").count == 6)
            }
            try await client.execute(
                uri: "/v1/records?number=%2B447700900001",
                method: .get,
                headers: fixture.auth(.analyst)
            ) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(
                uri: "/v1/aggregates?from=2026-01-01&to=2026-01-02",
                method: .get,
                headers: fixture.auth(.fraud)
            ) {
                #expect($0.status == .forbidden)
            }
        }
        let entries = try fixture.audit()
        #expect(entries.map(\.outcome) == ["ok", "denied"])
        #expect(entries.map(\.actor) == ["fraud", "analyst"])
        #expect(entries[0].subject == entries[1].subject)
        #expect(entries[0].action == "GET /v1/records")
        #expect(entries.allSatisfy { !$0.subject.isEmpty && !$0.subject.contains("7700900001") })
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/v1/subjects/+447700900001/export",
                method: .get,
                headers: fixture.auth(.fraud)
            ) {
                #expect($0.status == .forbidden)
            }
        }
        let refused = try fixture.audit().last!
        #expect(refused.outcome == "denied")
        #expect(refused.subject == entries[0].subject)
        #expect(refused.action == "GET /v1/subjects/{number}/export")
        #expect(try fixture.audit().allSatisfy { !"\($0.action) \($0.detail)".contains("7700900001") })
        #expect(APIServer.auditPath("/v1/subjects/%2B447700900001/erase") == "/v1/subjects/{number}/erase")
        #expect(try SQLiteStore(path: fixture.path).verifyAudit() == .intact(entries: 3))
    }

    @Test("export and erase over the API: erasure keeps the alert's evidence and says why")
    func subjectRequests() async throws {
        let fixture = try APIFixture()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/v1/subjects/+447700900001/export",
                method: .get,
                headers: fixture.auth(.admin)
            ) {
                let json = try JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any]
                #expect((json?["records"] as? [Any])?.count == 5)
                #expect((json?["alerts"] as? [Any])?.count == 1)
            }
            try await client.execute(
                uri: "/v1/subjects/+447700900001/erase",
                method: .post,
                headers: fixture.auth(.admin)
            ) {
                #expect($0.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any]
                #expect(json?["erased"] as? Int == 4)
                let kept = json?["kept"] as? [[String: Any]]
                #expect(kept?.count == 1)
                #expect((kept?.first?["reason"] as? String)?.contains("irsf-1") == true)
            }
        }
        #expect(try SQLiteStore(path: fixture.path).records(number: APIFixture.alice).map(\.id) == [4])
    }

    @Test("bad parameters get 400 naming the parameter")
    func badParameters() async throws {
        let fixture = try APIFixture()
        let cases: [(Role, String, String)] = [
            (.analyst, "/v1/aggregates?from=2026-13-01&to=2026-01-31", "from"),
            (.analyst, "/v1/aggregates?from=2026-01-01&to=2026-01-31&by=calling", "calling"),
            (.analyst, "/v1/aggregates?from=2026-02-01&to=2026-01-31", "after"),
            (.analyst, "/v1/aggregates?from=2010-01-01&to=2026-01-31", "six years"),
            (.analyst, "/v1/aggregates?from=2026-01-01&to=2026-01-31&sql=1", "sql"),
            (.analyst, "/v1/kpis?from=2026-01-01&to=2026-01-31&by=carrier", "by"),
            (.fraud, "/v1/alerts?limit=100000", "limit"),
            (.fraud, "/v1/alerts?severity=high", "severity"),
            (.fraud, "/v1/records?number=%2B44abc", "number"),
            (.fraud, "/v1/records", "number"),
            (.fraud, "/v1/records?number=%2B447700900001&from=yesterday", "from"),
            (.fraud, "/v1/cases/abc", "case id"),
            (.auditor, "/v1/audit?verify=maybe", "verify"),
            (.admin, "/v1/subjects/+447700900001/export?format=xml", "format"),
            (.fraud, "/v1/records?number=%27%20OR%201%3D1--", "number"),
            (.fraud, "/v1/records?number=%F0%9F%93%9E447700900001", "number"),
            (.fraud, "/v1/records?number=%EF%BC%94%EF%BC%94%EF%BC%97%EF%BC%97%EF%BC%90%EF%BC%90", "number"),
            (.fraud, "/v1/records?number=%2B44%207700%20900001", "number"),
            (.fraud, "/v1/records?number=%2B4477009000011234567", "number"),
            (.fraud, "/v1/trace?victim=%2e%2e", "victim"),
            (.fraud, "/v1/records?number=%2B447700900001&from=2026-01-01T00:00:00%2B99:00", "from"),
            (.fraud, "/v1/alerts?since=2026-01-01T00:00:00-14:30", "since"),
            (.admin, "/v1/subjects/%2e%2e/export", "number"),
            (.admin, "/v1/subjects/%EF%BC%94%EF%BC%94%EF%BC%97%EF%BC%97%EF%BC%90%EF%BC%90/export", "number"),
        ]
        try await fixture.app().test(.router) { client in
            for (role, uri, named) in cases {
                try await client.execute(uri: uri, method: .get, headers: fixture.auth(role)) {
                    #expect($0.status == .badRequest, "\(uri)")
                    #expect(String(buffer: $0.body).contains(named), "\(uri): \(String(buffer: $0.body))")
                }
            }
            try await client.execute(uri: "/v1/cases/99", method: .get, headers: fixture.auth(.fraud)) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test("lists are paged: limit bounds the page and next_offset leads on")
    func paging() async throws {
        let fixture = try APIFixture()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/v1/records?number=%2B447700900001&limit=2",
                method: .get,
                headers: fixture.auth(.fraud)
            ) {
                let json = try JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any]
                #expect((json?["items"] as? [Any])?.count == 2)
                #expect(json?["next_offset"] as? Int == 2)
            }
            try await client.execute(
                uri: "/v1/records?number=%2B447700900001&offset=4&limit=2",
                method: .get,
                headers: fixture.auth(.fraud)
            ) {
                let json = try JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any]
                #expect((json?["items"] as? [Any])?.count == 1)
                #expect(json?["next_offset"] is NSNull)
            }
        }
    }

    @Test("metrics expose ingest, alert and request counters in Prometheus text")
    func metrics() async throws {
        let fixture = try APIFixture()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/v1/files", method: .get, headers: fixture.auth(.operator)) { _ in }
            try await client.execute(uri: "/metrics", method: .get, headers: fixture.auth(.auditor)) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("cdrpipe_ingest_records_total{outcome=\"stored\"} 5\n"))
                #expect(text.contains("cdrpipe_alerts_total{detector=\"irsf-burst\"} 1\n"))
                #expect(
                    text.contains("cdrpipe_http_requests_total{route=\"/v1/files\",method=\"GET\",status=\"200\"} 1\n")
                )
                #expect(
                    text.contains("cdrpipe_http_request_duration_seconds_count{route=\"/v1/files\",method=\"GET\"} 1\n")
                )
                #expect(!text.contains("7700900"))
            }
        }
    }

    @Test("a repeated aggregate query is answered again after another process stores more records")
    func cacheFollowsTheData() async throws {
        let fixture = try APIFixture()
        let uri = "/v1/aggregates?from=2026-01-01&to=2026-01-31&by=month"
        @Sendable func calls(_ body: ByteBuffer) -> Int? {
            let rows = try? JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8)) as? [[String: Any]]
            return rows?.first?["calls"] as? Int
        }
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: fixture.auth(.analyst)) {
                #expect(calls($0.body) == 5)
            }
            try await client.execute(uri: uri, method: .get, headers: fixture.auth(.analyst)) {
                #expect(calls($0.body) == 5)
            }
            let other = try SQLiteStore(path: fixture.path)
            let file = try other.beginFile(
                path: "more.csv",
                size: 1,
                headSHA256: [UInt8](repeating: 3, count: 32),
                sha256: nil,
                dialect: "test"
            )
            let start = CivilTime.parseISO("2026-01-20T09:00:00Z")!
            let record = CallRecord(
                calling: APIFixture.bob,
                dialled: APIFixture.alice,
                start: start,
                answer: nil,
                end: start + 30,
                duration: 30,
                billable: 0,
                disposition: .noAnswer
            )
            _ = try other.insert(record, key: RecordKey(high: 99, low: 99), fileID: file)
            try other.finishFile(
                id: file,
                sha256: [UInt8](repeating: 4, count: 32),
                size: 1,
                offset: 1,
                line: 1,
                counts: LoadCounts(stored: 1)
            )
            try await client.execute(uri: uri, method: .get, headers: fixture.auth(.analyst)) {
                #expect(calls($0.body) == 6)
            }
        }
    }

    @Test("a revoked token is refused")
    func revoked() async throws {
        let fixture = try APIFixture()
        #expect(try SQLiteStore(path: fixture.path).revokeUser(name: "analyst", at: 1))
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/v1/aggregates?from=2026-01-01&to=2026-01-31",
                method: .get,
                headers: fixture.auth(.analyst)
            ) { #expect($0.status == .unauthorized) }
        }
    }

    @Test("plain HTTP is refused off loopback unless --insecure; TLS needs both files")
    func settings() throws {
        #expect(throws: ServerError.self) {
            try ServerSettings(host: "0.0.0.0", port: 1, certificate: nil, key: nil, insecure: false).validate()
        }
        #expect(throws: ServerError.self) {
            try ServerSettings(host: "127.0.0.1", port: 1, certificate: "c.pem", key: nil, insecure: false).validate()
        }
        try ServerSettings(host: "127.0.0.1", port: 1, certificate: nil, key: nil, insecure: false).validate()
        try ServerSettings(host: "0.0.0.0", port: 1, certificate: nil, key: nil, insecure: true).validate()
        try ServerSettings(host: "0.0.0.0", port: 1, certificate: "c.pem", key: "k.pem", insecure: false).validate()
    }
}

/// A receiver that takes every push, standing in for `cdrpipe run`'s desk in the role matrix.
struct AcceptingReceiver: CDRReceiver {
    func receive(body: [UInt8], contentType: String, source: String?) async -> PushAnswer {
        .stored(PushReceipt(records: 1, batchStored: 1, batchDuplicates: 0))
    }
}

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    @Test("docs/openapi.yaml documents exactly the routes the server answers")
    func documentedRoutes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let documented = Set(
            text.split(separator: "\n").filter { $0.hasPrefix("  /") && $0.hasSuffix(":") }
                .map { $0.dropFirst(2).dropLast().replacingOccurrences(of: "{id}", with: "1") }
                .map { $0.replacingOccurrences(of: "{number}", with: "+447700900001") }
        )
        let served = Set(APIServerTests.endpoints.map { String($0.uri.split(separator: "?")[0]) } + ["/", "/healthz"])
        #expect(documented == served)
    }
}

@Suite("Aggregate answers under concurrent load")
struct AggregateLoadTests {
    @Test("many askers of one uncached query share one computation: none is refused though one reader works")
    func sharedComputation() async throws {
        let fixture = try APIFixture()
        let path = fixture.path
        let server = APIServer(
            store: try ThreadedServingStore(limits: ServingLimits(readers: 1, maxWaiting: 0)) {
                try SQLiteStore(path: path)
            },
            vault: try KeyVault(directory: path + ".keys"),
            policy: RetentionPolicy()
        )
        let request = Request(
            head: HTTPRequest(
                method: .get,
                scheme: nil,
                authority: nil,
                path: "/v1/aggregates?from=2026-01-01&to=2026-01-31"
            ),
            body: RequestBody(buffer: ByteBuffer())
        )
        let query = try QueryParameters(request, allowed: ["from", "to"])
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await server.aggregateAnswer(query, [.day], key: "test") { rows in
                        Thread.sleep(forTimeInterval: 0.3)
                        return "\(rows.count)"
                    }.freshness
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.filter { $0 == "computed" }.count == 1, "\(answers)")
        #expect(answers.count == 12)
        let again = try await server.aggregateAnswer(query, [.day], key: "test") { _ in "" }
        #expect(again.freshness == "cached")
    }
}
